import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { InputError, RuntimeError } from '../domain/errors.js';

export interface Backup {
  path: string;
  bytes: number;
  ms: number;
}

/**
 * Writes a consistent copy of the ledger at `sourcePath` to `destPath` while
 * other processes keep writing: `VACUUM INTO` reads one snapshot (WAL lets the
 * daemon commit meanwhile) into a compact new file. The copy is written beside
 * its destination and renamed, so a cut-off backup never looks like a whole one;
 * it holds buyers' addresses, so only its owner may read it.
 */
export function backupDb(sourcePath: string, destPath: string, now: () => number = Date.now): Backup {
  if (!existsSync(sourcePath)) throw new InputError('db_missing', [`${sourcePath}: no database here (check POSTSHIP_DB)`]);
  if (existsSync(destPath)) throw new InputError('backup_exists', [`${destPath} already exists: give a new file name`]);
  const started = now();
  mkdirSync(dirname(destPath), { recursive: true });
  const partial = join(dirname(destPath), `.${basename(destPath)}.partial`);
  rmSync(partial, { force: true });
  let sqlite: Database.Database | null = null;
  try {
    sqlite = new Database(sourcePath, { fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
    sqlite.prepare('VACUUM INTO ?').run(partial);
    chmodSync(partial, 0o600);
    renameSync(partial, destPath);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new RuntimeError('backup_failed', `cannot back up ${sourcePath} to ${destPath}: ${(err as Error).message}`, undefined, { cause: err });
  } finally {
    sqlite?.close();
  }
  return { path: destPath, bytes: statSync(destPath).size, ms: now() - started };
}
