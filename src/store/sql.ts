import type { Db } from './db.js';

/**
 * `INSERT INTO "table" ("a", "b") VALUES (?, ?)` for a better-sqlite3 statement
 * on the hot paths (import, webhooks), built from Drizzle schema columns so the
 * SQL follows the schema; `tail` adds e.g. `ON CONFLICT DO NOTHING`.
 */
export function insertSql(table: string, columns: ReadonlyArray<{ name: string }>, tail = ''): string {
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${tail}`;
}

/**
 * `INSERT INTO "table" (...) SELECT j->>0, j->>1, ... FROM json_each(?)`: a
 * whole batch of rows (a JSON array of arrays, in `columns` order) in one
 * statement. One execution per batch, not per row: SQLite runs the row
 * triggers' frames, the AUTOINCREMENT counter and the statement set-up once,
 * and one call crosses into native code instead of thousands. `tail` adds
 * e.g. `ON CONFLICT DO NOTHING` (the `WHERE true` keeps it from parsing as a join).
 */
export function insertJsonRowsSql(table: string, columns: ReadonlyArray<{ name: string }>, tail = ''): string {
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) ` +
    `SELECT ${columns.map((_, i) => `j.value ->> ${i}`).join(', ')} FROM json_each(?) AS j WHERE true${tail}`;
}

const perConnection = new WeakMap<Db, Map<(db: Db) => unknown, unknown>>();

/**
 * The ledger's one statement cache: what `build` prepares is built once per
 * connection and reused (the hot paths run a statement per send or webhook,
 * and preparing costs more than running). `build` must be a module-level
 * function: it is the cache key.
 */
export function prepared<T>(db: Db, build: (db: Db) => T): T {
  let forDb = perConnection.get(db);
  if (!forDb) perConnection.set(db, (forDb = new Map()));
  let value = forDb.get(build) as T | undefined;
  if (value === undefined) {
    value = build(db);
    forDb.set(build, value);
  }
  return value;
}

/** A raw row (`SELECT *`: snake_case columns) with the camelCase keys the schema's row types use. */
export const camelRow = (row: unknown): unknown =>
  Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
