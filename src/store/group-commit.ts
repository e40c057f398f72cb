import type { Db } from './db.js';

/** Runs a synchronous ledger write in the next shared transaction; resolves once it is committed. */
export type GroupCommit = <T>(write: () => T) => Promise<T>;

interface Pending {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for the worker: writes issued in the same event-loop turn (50
 * concurrent sends claiming and recording) share one SQLite transaction, so
 * one WAL commit instead of one per write. Each write runs in its own
 * savepoint: one that throws fails only its caller. A caller that awaits the
 * promise knows its write is durable, exactly as with a direct commit; the
 * only cost is waiting for the end of the current turn. `beforeCommit` may
 * refuse a whole batch by throwing (e.g. the ledger file was replaced);
 * `gate` runs the flush when no other transaction holds the connection.
 */
export function groupCommit(
  db: Db,
  options: { beforeCommit?: () => void; gate?: (flush: () => void) => void } = {},
): GroupCommit {
  let pending: Pending[] = [];
  const c = db.$client;
  // Prepared once: a savepoint per write costs three cheap statements, not a new transaction wrapper.
  const savepoint = c.prepare('SAVEPOINT group_write');
  const release = c.prepare('RELEASE group_write');
  const rollback = c.prepare('ROLLBACK TO group_write');
  type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };
  const writeAll = c.transaction((batch: Pending[]): Outcome[] =>
    batch.map((item) => {
      savepoint.run();
      try {
        const value = item.write();
        release.run();
        return { ok: true, value };
      } catch (err) {
        rollback.run();
        release.run();
        return { ok: false, err };
      }
    }),
  );
  const flush = () => {
    const batch = pending;
    pending = [];
    let outcomes: Outcome[];
    try {
      options.beforeCommit?.();
      outcomes = writeAll(batch);
    } catch (err) {
      for (const item of batch) item.reject(err); // the commit itself failed: nothing of this batch is written
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.err);
    });
  };
  return <T>(write: () => T) =>
    new Promise<T>((resolve, reject) => {
      if (pending.length === 0) setImmediate(() => (options.gate ? options.gate(flush) : flush()));
      pending.push({ write, resolve: resolve as (value: unknown) => void, reject });
    });
}
