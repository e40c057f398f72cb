import { workerData } from 'node:worker_threads';
import { SMTPServer } from 'smtp-server';
import { serveOffThread } from '../src/off-thread.js';

/**
 * The sink's own thread: an SMTP server that accepts and counts. Off the main
 * thread, so the SMTP server we are not measuring does not share a thread
 * (and its CPU time) with the code we are measuring.
 */
const counter = new Int32Array(workerData.counter as SharedArrayBuffer);
let acceptedAt = new Map<string, number>();

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  disableReverseLookup: true,
  logger: false,
  closeTimeout: 100,
  maxClients: 200,
  onData(stream, _session, cb) {
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString('latin1');
    });
    stream.on('end', () => {
      const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1];
      if (id) acceptedAt.set(id, Date.now());
      Atomics.add(counter, 0, 1);
      cb();
    });
  },
});

type Request = 'port' | 'reset' | 'accepted';
const listening = new Promise<number>((resolve) =>
  server.listen(0, '127.0.0.1', () => {
    const address = server.server.address();
    resolve(typeof address === 'object' && address ? address.port : 0);
  }),
);

serveOffThread<Request, number | Array<[string, number]> | null>(
  async (request) => {
    if (request === 'port') return listening;
    if (request === 'accepted') return [...acceptedAt];
    acceptedAt = new Map();
    Atomics.store(counter, 0, 0);
    return null;
  },
  { onStop: () => new Promise<void>((resolve) => server.close(() => resolve())) },
);
