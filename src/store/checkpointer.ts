import type { Logger } from 'pino';
import { startOffThread } from '../off-thread.js';
import { threadScript } from '../paths.js';
import type { Db } from './db.js';

/**
 * SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 WAL
 * pages: a 4 MB copy plus an fsync on the event loop, every few hundred
 * webhook deliveries (p99 105 ms instead of 42 ms). Long-running processes
 * checkpoint from a thread of their own instead; the automatic one stays as a
 * backstop at 64 MB in case that thread ever stops.
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

const BACKSTOP_PAGES = 16_384;

/**
 * Every second: a checkpoint copies each page written since the last one, and
 * the import's index pages are written again within any quarter second, so
 * every 250 ms the thread copied them four times as often (11-16 µs of CPU per
 * imported order against 4-6 µs). A second of WAL is a few MB.
 */
const EVERY_MS = 1000;

export function startCheckpointer(db: Db, logger: Logger, everyMs = EVERY_MS): Checkpointer | null {
  const path = db.$client.name;
  if (db.$client.memory || path === '' || path === ':memory:') return null;
  const thread = startOffThread<never, void>(threadScript(import.meta.url, 'checkpoint-thread'), {
    workerData: { path, everyMs },
    keepAlive: 'never', // never what keeps a process alive
    onEvent: (event) => logger.warn({ err: (event as { message: string }).message }, 'background WAL checkpoint failed; will retry'),
    onExit: (reason) => logger.warn({ err: reason }, 'WAL checkpointer stopped; SQLite checkpoints by itself'),
  });
  db.$client.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  return { stop: () => thread.stop() };
}
