import { startOffThread } from '../src/off-thread.js';

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
  const thread = startOffThread<'port' | 'reset' | 'accepted', unknown>(new URL('./sink-thread.js', import.meta.url), { workerData: { counter } });
  const port = (await thread.request('port')) as number;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get count() {
      return Atomics.load(count, 0);
    },
    acceptedAt: async () => new Map((await thread.request('accepted')) as Array<[string, number]>),
    reset: async () => {
      await thread.request('reset');
    },
    stop: () => thread.stop(),
  };
}
