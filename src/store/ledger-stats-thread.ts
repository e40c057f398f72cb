import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveOffThread } from '../off-thread.js';
import { SENDS_BY_LANE_SQL, type LaneCount } from './ledger-stats-sql.js';

/**
 * The ledger-stats thread: its own read-only connection, answering each
 * count request with the sends per milestone, status and lane. The GROUP BY
 * reads every send (seconds at a million orders): here it never holds up the
 * thread that answers webhooks and scrapes.
 */
const { path } = workerData as { path: string };
const db = new Database(path, { readonly: true });
db.pragma('busy_timeout = 1000');
const statement = db.prepare(SENDS_BY_LANE_SQL);

serveOffThread<'count', { rows: LaneCount[]; at: number }>(() => ({ rows: statement.all() as LaneCount[], at: Date.now() }), {
  onStop: () => {
    db.close();
  },
});
