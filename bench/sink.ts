import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface BenchSink {
  url: string;
  /** Messages accepted since the last reset. */
  readonly count: number;
  /** Acceptance time (ms epoch) per Message-ID since the last reset, for timeliness. */
  acceptedAt(): Promise<Map<string, number>>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An SMTP server that accepts and counts, on a thread of its own (bench/sink-thread.ts):
 * the same sink for the pipeline and its limit.
 */
export async function startSink(): Promise<BenchSink> {
  const counter = new SharedArrayBuffer(4);
  const count = new Int32Array(counter);
  const thread = new Worker(new URL('./sink-thread.js', import.meta.url), { workerData: { counter } });
  const ask = async <T>(kind: string): Promise<T> => {
    const reply = new Promise<T>((resolve) => {
      const onMessage = (msg: { kind: string } & T) => {
        if (msg.kind !== kind && !(kind === 'stop' && msg.kind === 'stopped')) return;
        thread.off('message', onMessage);
        resolve(msg);
      };
      thread.on('message', onMessage);
    });
    thread.postMessage({ kind });
    return reply;
  };
  const [ready] = (await once(thread, 'message')) as [{ kind: string; port: number }];
  return {
    url: `smtp://127.0.0.1:${ready.port}`,
    get count() {
      return Atomics.load(count, 0);
    },
    acceptedAt: async () => new Map((await ask<{ entries: Array<[string, number]> }>('accepted')).entries),
    reset: async () => {
      await ask('reset');
    },
    stop: async () => {
      await ask('stop');
      await thread.terminate();
    },
  };
}
