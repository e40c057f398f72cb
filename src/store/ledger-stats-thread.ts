import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SENDS_BY_LANE_SQL } from './ledger-stats-sql.js';

/**
 * The ledger-stats thread: its own read-only connection, answering each
 * "count" message with the sends per milestone, status and lane. The GROUP BY
 * reads every send (seconds at a million orders): here it never holds up the
 * thread that answers webhooks and scrapes.
 */
const { path } = workerData as { path: string };
const db = new Database(path, { readonly: true });
db.pragma('busy_timeout = 1000');
const statement = db.prepare(SENDS_BY_LANE_SQL);

parentPort?.on('message', (msg: { kind: string }) => {
  if (msg.kind === 'stop') {
    db.close();
    parentPort?.postMessage({ kind: 'stopped' });
    return;
  }
  try {
    parentPort?.postMessage({ kind: 'counts', rows: statement.all(), at: Date.now() });
  } catch (err) {
    parentPort?.postMessage({ kind: 'error', message: (err as Error).message });
  }
});
