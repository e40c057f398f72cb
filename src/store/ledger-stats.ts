import { startOffThread, type OffThread } from '../off-thread.js';
import { threadScript } from '../paths.js';
import type { Db } from './db.js';
import { SENDS_BY_LANE_SQL, type LaneCount } from './ledger-stats-sql.js';

export type { LaneCount } from './ledger-stats-sql.js';

/**
 * The ledger-derived gauges, cached with a short TTL and counted off the event
 * loop: a scrape waits for a fresh count at most `waitMs`, otherwise it gets
 * the last one (on a million-order ledger the count takes seconds; on a small
 * one it is fresh at every scrape).
 */
export interface LedgerStats {
  sendsByLane(): Promise<LaneCount[]>;
  stop(): Promise<void>;
}

/**
 * A count is fresh for ten times as long as it took: every scrape on a small
 * ledger, every ~40 s on a million orders (4 s of one core in 40 on a thread).
 */
const FRESH_FOR_DURATIONS = 10;

export function ledgerStats(db: Db, options: { waitMs?: number } = {}): LedgerStats {
  const waitMs = options.waitMs ?? 100;
  const path = db.$client.name;
  // An in-memory ledger (tests, simulate) has no file another connection could open: count in place.
  if (db.$client.memory || path === '' || path === ':memory:') {
    const statement = db.$client.prepare(SENDS_BY_LANE_SQL);
    return { sendsByLane: async () => statement.all() as LaneCount[], stop: async () => {} };
  }
  let thread: OffThread<'count', { rows: LaneCount[]; at: number }> | null = null;
  let last: { rows: LaneCount[]; at: number; tookMs: number } | null = null;
  let pending: Promise<void> | null = null;
  const refresh = (): Promise<void> => {
    if (!thread?.running) thread = startOffThread(threadScript(import.meta.url, 'ledger-stats-thread'), { workerData: { path }, keepAlive: 'never' });
    const started = Date.now();
    pending ??= thread
      .request('count')
      .then(
        (counts) => {
          last = { ...counts, tookMs: Date.now() - started };
        },
        () => undefined, // the last counts stay; the next scrape asks again
      )
      .finally(() => {
        pending = null;
      });
    return pending;
  };
  return {
    async sendsByLane() {
      if (!last || Date.now() - last.at > last.tookMs * FRESH_FOR_DURATIONS) {
        const fresh = refresh();
        await Promise.race([fresh, new Promise((resolve) => setTimeout(resolve, last ? waitMs : 10 * waitMs).unref())]);
      }
      return last?.rows ?? [];
    },
    async stop() {
      await thread?.stop();
      thread = null;
    },
  };
}
