import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RuntimeError } from '../domain/errors.js';
import { MIGRATIONS_DIR } from '../paths.js';

export interface MigrationState {
  known: string[];
  applied: string[];
  pending: string[];
}

interface Journal {
  entries: Array<{ tag: string; when: number }>;
}

/**
 * Which drizzle-kit migrations a database has, read without applying any.
 * Drizzle records each by its folder timestamp; the newest applied one decides.
 */
export function migrationState(dbPath: string): MigrationState {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as Journal;
  const known = journal.entries.map((e) => e.tag);
  if (dbPath !== ':memory:' && !existsSync(dbPath)) return { known, applied: [], pending: known };
  let db: Database.Database;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new RuntimeError('db_unavailable', `cannot open the database at ${dbPath}: ${(err as Error).message}`, 'Check POSTSHIP_DB points at a readable file.', { cause: err });
  }
  try {
    db.pragma('busy_timeout = 5000');
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
    const last = table
      ? (db.prepare('SELECT MAX(created_at) AS at FROM __drizzle_migrations').get() as { at: number | null }).at
      : null;
    const applied = journal.entries.filter((e) => last !== null && e.when <= Number(last)).map((e) => e.tag);
    return { known, applied, pending: known.filter((t) => !applied.includes(t)) };
  } finally {
    db.close();
  }
}
