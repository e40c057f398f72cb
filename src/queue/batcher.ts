/**
 * Coalesces concurrent calls into one: items arriving while a flush is pending
 * (up to `maxBatch`, at most `maxWaitMs` apart) go to Redis in a single
 * addBulk. Under load, 50 webhook requests in flight cost one round trip
 * instead of 50; alone, a call waits at most `maxWaitMs`. Each caller gets the
 * outcome of the flush that carried its items; a flush that has not settled
 * after `timeoutMs` fails its callers (one timer per flush, not per caller).
 */
export function batcher<T>(
  flush: (items: T[]) => Promise<void>,
  options: { maxBatch?: number; maxWaitMs?: number; timeoutMs?: number } = {},
) {
  const maxBatch = options.maxBatch ?? 200;
  const maxWaitMs = options.maxWaitMs ?? 2;
  const timeoutMs = options.timeoutMs ?? Infinity;
  let pending: { items: T[]; waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> } | null = null;
  let timer: NodeJS.Timeout | null = null;

  const send = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = null;
    if (!batch) return;
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      for (const w of batch.waiters) {
        if (err === undefined) w.resolve();
        else w.reject(err);
      }
    };
    const deadline =
      timeoutMs === Infinity ? undefined : setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    flush(batch.items).then(() => settle(), (err) => settle(err ?? new Error('flush failed')));
  };

  return (items: readonly T[]): Promise<void> => {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      pending ??= { items: [], waiters: [] };
      pending.items.push(...items);
      pending.waiters.push({ resolve, reject });
      if (pending.items.length >= maxBatch) send();
      else timer ??= setTimeout(send, maxWaitMs);
    });
  };
}
