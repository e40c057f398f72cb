import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveOffThread } from '../off-thread.js';

/**
 * The checkpointer's thread: its own connection to the ledger, copying the
 * WAL back into the database file every `everyMs`. PASSIVE never waits for
 * the writer, and a WAL checkpoint never blocks it; the fsync it ends with
 * happens here, not on the thread answering webhooks or sending mail.
 */
const { path, everyMs } = workerData as { path: string; everyMs: number };
const db = new Database(path);
db.pragma('busy_timeout = 1000');

const thread = serveOffThread<never, void>(
  () => undefined,
  {
    onStop() {
      clearInterval(timer);
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } finally {
        db.close();
      }
    },
  },
);

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    thread.emit({ kind: 'error', message: (err as Error).message });
  }
}, everyMs);
