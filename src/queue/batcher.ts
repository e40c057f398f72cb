/**
 * Coalesces concurrent calls into one: items arriving while a flush is pending
 * (up to `maxBatch`, at most `maxWaitMs` apart) go to Redis in a single
 * addBulk. Under load, 50 webhook requests in flight cost one round trip
 * instead of 50; alone, a call waits at most `maxWaitMs`. Each caller gets the
 * outcome of the flush that carried its items.
 */
export function batcher<T>(flush: (items: T[]) => Promise<void>, options: { maxBatch?: number; maxWaitMs?: number } = {}) {
  const maxBatch = options.maxBatch ?? 200;
  const maxWaitMs = options.maxWaitMs ?? 2;
  let pending: { items: T[]; waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> } | null = null;
  let timer: NodeJS.Timeout | null = null;

  const send = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = null;
    if (!batch) return;
    flush(batch.items).then(
      () => batch.waiters.forEach((w) => w.resolve()),
      (err) => batch.waiters.forEach((w) => w.reject(err)),
    );
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
