import { SMTPServer } from 'smtp-server';

export interface BenchSink {
  url: string;
  count: number;
  /** Acceptance time (ms epoch) per Message-ID, for timeliness. */
  acceptedAt: Map<string, number>;
  reset(): void;
  stop(): Promise<void>;
}

/** An SMTP server that accepts and counts: the same sink for the pipeline and its limit. */
export async function startSink(): Promise<BenchSink> {
  const sink = { count: 0, acceptedAt: new Map<string, number>() } as BenchSink;
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
        if (id) sink.acceptedAt.set(id, Date.now());
        sink.count += 1;
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  sink.url = `smtp://127.0.0.1:${port}`;
  sink.reset = () => {
    sink.count = 0;
    sink.acceptedAt.clear();
  };
  sink.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
