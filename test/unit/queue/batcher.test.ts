import { describe, expect, it } from 'vitest';
import { batcher } from '../../../src/queue/batcher.js';

describe('batcher', () => {
  it('carries the items of concurrent calls in one flush, and answers every caller', async () => {
    const flushed: number[][] = [];
    const add = batcher<number>(async (items) => void flushed.push(items), { maxWaitMs: 5 });
    await Promise.all([add([1]), add([2, 3]), add([4])]);
    expect(flushed).toEqual([[1, 2, 3, 4]]);
    await add([5]);
    expect(flushed).toEqual([[1, 2, 3, 4], [5]]);
  });

  it('flushes at once when a batch is full, without waiting for the timer', async () => {
    const flushed: number[][] = [];
    const add = batcher<number>(async (items) => void flushed.push(items), { maxBatch: 3, maxWaitMs: 60_000 });
    await Promise.all([add([1, 2]), add([3])]);
    expect(flushed).toEqual([[1, 2, 3]]);
  });

  it('fails every caller of a failed flush with its error', async () => {
    const add = batcher<number>(async () => {
      throw new Error('Redis is down');
    });
    const results = await Promise.allSettled([add([1]), add([2])]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual(['Redis is down', 'Redis is down']);
  });

  it('fails the callers of a flush that hangs past the timeout, and later flushes still work', async () => {
    let calls = 0;
    const add = batcher<number>(
      (items) => {
        calls += 1;
        return calls === 1 ? new Promise<void>(() => {}) : Promise.resolve(void items);
      },
      { maxWaitMs: 1, timeoutMs: 30 },
    );
    const started = Date.now();
    const hung = await Promise.allSettled([add([1]), add([2])]);
    expect(hung.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(((hung[0] as PromiseRejectedResult).reason as Error).message).toBe('no answer within 30 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await expect(add([3])).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('does not flush for an empty call', async () => {
    let calls = 0;
    const add = batcher<number>(async () => void (calls += 1));
    await add([]);
    expect(calls).toBe(0);
  });
});
