import { existsSync, statSync } from 'node:fs';
import { RuntimeError } from '../domain/errors.js';
import type { Db } from './db.js';
import { isPostgresUrl } from './pg/url.js';

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

/** How often a long-running process proves the ledger takes writes (disk full, read-only): one tiny commit. */
const WRITE_PROBE_EVERY_MS = 5_000;
const probes = new WeakMap<Db, { at: number; error: string | null }>();

/** A write the ledger refused (disk full...): readiness fails until a write succeeds again. */
export function noteLedgerWriteFailure(db: Db, err: unknown): void {
  probes.set(db, { at: 0, error: (err as Error)?.message ?? String(err) });
}

function probeWrite(db: Db): string | null {
  const last = probes.get(db);
  const now = Date.now();
  if (last && last.error === null && now - last.at < WRITE_PROBE_EVERY_MS) return null;
  if (last && last.error !== null && now - last.at < 1_000) return last.error;
  try {
    db.$client
      .prepare("INSERT INTO meta (key, value) VALUES ('write-probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
      .run(String(now));
    probes.set(db, { at: now, error: null });
    return null;
  } catch (err) {
    const error = (err as Error).message;
    probes.set(db, { at: now, error });
    return error;
  }
}

/**
 * Throws when the watched ledger's path was removed or now names another
 * file, or when a write was refused and none succeeded since; a no-op for an
 * unwatched one. Cheap: called before every webhook commit.
 */
export function assertLedgerFile(db: Db): void {
  const file = watched.get(db);
  if (!file) return;
  let now: { dev: number; ino: number } | null;
  try {
    now = statSync(file.path);
  } catch {
    now = null;
  }
  if (!now || now.dev !== file.dev || now.ino !== file.ino) {
    throw new RuntimeError(
      'db_replaced',
      `the database file ${file.path} was ${now ? 'replaced by another file' : 'removed'} while this process had it open; nothing more is written to the old one`,
      'Restore the ledger to POSTSHIP_DB (README "Restore") and restart postship; until then this process refuses events and is not ready.',
    );
  }
  // After a refused write, look again (at most every second) rather than refuse forever.
  if (probes.get(db)?.error) {
    const refused = probeWrite(db);
    if (refused) throw unwritable(file.path, refused);
  }
}

function unwritable(path: string, reason: string): RuntimeError {
  return new RuntimeError('db_unwritable', `the database ${path} refuses writes (${reason})`, 'Free disk space or fix the file\'s permissions; postship recovers by itself once writes succeed.');
}

/**
 * For the readiness probe: assertLedgerFile, proof the ledger takes
 * writes (disk full, read-only), a tiny commit at most every 5 s, and a read.
 */
export function assertLedgerWritable(db: Db): void {
  assertLedgerFile(db);
  const file = watched.get(db);
  if (file) {
    const refused = probeWrite(db);
    if (refused) throw unwritable(file.path, refused);
  }
  db.$client.prepare('SELECT 1').get(); // the connection answers (throws on a closed or broken one)
}

/** Whether a database would be created by opening `path` (not there yet). */
export function ledgerMissing(path: string): boolean {
  // A PostgreSQL database is created by its administrator; postship only migrates it.
  return path !== ':memory:' && !isPostgresUrl(path) && !existsSync(path);
}
