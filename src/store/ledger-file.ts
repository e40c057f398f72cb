import { existsSync, statSync } from 'node:fs';
import { RuntimeError } from '../domain/errors.js';
import type { Db } from './db.js';

/**
 * The ledger file a long-running process opened, by device and inode. A
 * process keeps writing to its open file after `rm` or a restore moved
 * another one into place: those writes land in a file nobody will open
 * again. So the process checks, before acknowledging anything and on every
 * readiness probe, that the path still names the file it has open.
 */
interface LedgerFile {
  path: string;
  dev: number;
  ino: number;
}

const watched = new WeakMap<Db, LedgerFile>();

export function watchLedgerFile(db: Db, path: string): void {
  if (path === ':memory:') return;
  const { dev, ino } = statSync(path);
  watched.set(db, { path, dev, ino });
}

/** Throws when the watched ledger's path was removed or now names another file; a no-op for an unwatched one. */
export function assertLedgerFile(db: Db): void {
  const file = watched.get(db);
  if (!file) return;
  let now: { dev: number; ino: number } | null;
  try {
    now = statSync(file.path);
  } catch {
    now = null;
  }
  if (now && now.dev === file.dev && now.ino === file.ino) return;
  throw new RuntimeError(
    'db_replaced',
    `the database file ${file.path} was ${now ? 'replaced by another file' : 'removed'} while this process had it open; nothing more is written to the old one`,
    'Restore the ledger to POSTSHIP_DB (README "Restore") and restart postship; until then this process refuses events and is not ready.',
  );
}

/** Whether a database would be created by opening `path` (not there yet). */
export function ledgerMissing(path: string): boolean {
  return path !== ':memory:' && !existsSync(path);
}
