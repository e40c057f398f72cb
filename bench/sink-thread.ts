import { parentPort, workerData } from 'node:worker_threads';
import { SMTPServer } from 'smtp-server';

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

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  parentPort!.postMessage({ kind: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});

parentPort!.on('message', (msg: { kind: string }) => {
  if (msg.kind === 'reset') {
    acceptedAt = new Map();
    Atomics.store(counter, 0, 0);
    parentPort!.postMessage({ kind: 'reset' });
  } else if (msg.kind === 'accepted') {
    parentPort!.postMessage({ kind: 'accepted', entries: [...acceptedAt] });
  } else if (msg.kind === 'stop') {
    server.close(() => parentPort!.postMessage({ kind: 'stopped' }));
  }
});
