import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { RuntimeError } from '../domain/errors.js';
import { MIGRATIONS_DIR } from '../paths.js';
import { isPostgresUrl } from './pg/url.js';
import { sqliteOnlyError } from './pg/sqlite-only.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Opens (creating if needed) the SQLite ledger and applies pending migrations.
 * WAL lets the CLI read while a worker writes; busy_timeout lets several
 * processes share the file without "database is locked" on short contention.
 */
export function openDb(path: string, options: { migrate?: boolean } = {}): Db {
  // The runtime is SQLite's until it is ported: a PostgreSQL URL here is refused, never opened as a file.
  if (isPostgresUrl(path)) throw sqliteOnlyError(path);
  let sqlite: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sqlite = new Database(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // 32 MB of page cache (SQLite's default is 2 MB): on a million-order ledger the indexes' upper
    // levels stay in memory, so a lookup by id or due time reads a page or two, not five.
    sqlite.pragma('cache_size = -32768');
  } catch (err) {
    throw new RuntimeError(
      'db_unavailable',
      `cannot open the database at ${path}: ${(err as Error).message}`,
      'Check POSTSHIP_DB points at a writable file path.',
      { cause: err },
    );
  }
  const db = drizzle(sqlite, { schema }) as Db;
  if (options.migrate !== false) {
    try {
      migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    } catch (err) {
      sqlite.close();
      throw new RuntimeError('db_migrate_failed', `cannot migrate ${path}: ${(err as Error).message}`, undefined, {
        cause: err,
      });
    }
  }
  return db;
}

export function closeDb(db: Db): void {
  if (db.$client.open) db.$client.close();
}

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
