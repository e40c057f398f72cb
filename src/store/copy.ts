import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { InputError, RuntimeError } from '../domain/errors.js';
import type { CopyTarget } from './copy-target.js';
import { openDb } from './db.js';
import { pgCopyTarget } from './pg/copy-target.js';
import { isPostgresUrl } from './pg/url.js';
import * as schema from './schema.js';

/**
 * `postship db copy`: every table of a SQLite ledger into PostgreSQL (or
 * another SQLite file), ids kept, in one transaction on the target: it is
 * all there or nothing is, so a failed copy can simply be run again.
 */

export type { CopyTarget };

export interface TableCount {
  table: string;
  from: number;
  to: number;
}

export interface CopyReport {
  from: string;
  to: string;
  replaced: boolean;
  tables: TableCount[];
  rows: number;
  ms: number;
}

interface LedgerTable {
  name: string;
  columns: string[];
}

/** Every table of the ledger, parents before the tables whose foreign keys point at them. */
export function ledgerTables(): LedgerTable[] {
  const configs = (Object.values(schema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable)).map((t) => getTableConfig(t));
  const parents = new Map(configs.map((c) => [c.name, c.foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable).name)]));
  const ordered: LedgerTable[] = [];
  const placed = new Set<string>();
  const place = (name: string) => {
    if (placed.has(name)) return;
    placed.add(name);
    for (const p of parents.get(name) ?? []) if (p !== name) place(p);
    const c = configs.find((x) => x.name === name)!;
    ordered.push({ name, columns: c.columns.map((col) => col.name) });
  };
  for (const c of [...configs].sort((a, b) => a.name.localeCompare(b.name))) place(c.name);
  return ordered;
}

/** The source, read in one read transaction: a consistent snapshot even while a daemon writes. */
function openSource(path: string, tables: LedgerTable[]): Database.Database {
  if (isPostgresUrl(path)) {
    throw new InputError('db_copy_source', [`--from ${path}: copying from PostgreSQL is not supported; --from is a SQLite ledger file`]);
  }
  if (!existsSync(path)) throw new InputError('db_copy_source', [`--from ${path}: no such file`], 'Give the SQLite ledger file (POSTSHIP_DB of the installation you are moving).');
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new RuntimeError('db_unavailable', `cannot open ${path}: ${(err as Error).message}`, 'Check --from names a readable SQLite file.', { cause: err });
  }
  for (const t of tables) {
    const have = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').all(t.name) as Array<{ name: string }>).map((r) => r.name));
    const missing = t.columns.filter((c) => !have.has(c));
    if (missing.length > 0) {
      db.close();
      const what = have.size === 0 ? `has no table ${t.name}` : `table ${t.name} lacks ${missing.join(', ')}`;
      throw new InputError('db_copy_source_old', [`--from ${path}: ${what}, so it is older than this postship (or not a postship ledger)`], `Bring it up to date first: POSTSHIP_DB=${path} postship migrate`);
    }
  }
  db.exec('BEGIN');
  return db;
}

/** The SQLite side: the same transaction semantics; triggers are dropped and re-created inside it. */
function sqliteCopyTarget(path: string): CopyTarget {
  const db = openDb(path).$client; // creates and migrates it
  let triggers: Array<{ name: string; sql: string }> = [];
  return {
    name: path,
    maxRows: (columns) => Math.max(1, Math.min(500, Math.floor(30_000 / columns))),
    async begin() {
      db.exec('BEGIN IMMEDIATE');
    },
    async count(table) {
      return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
    },
    async clear(tables) {
      db.pragma('defer_foreign_keys = ON');
      for (const t of tables) db.prepare(`DELETE FROM "${t}"`).run();
    },
    async suspendTriggers() {
      triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string; sql: string }>;
      for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
    },
    async resumeTriggers() {
      for (const t of triggers) db.exec(t.sql);
    },
    async insert(table, columns, rows) {
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      db.prepare(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`).run(rows.flat());
    },
    async finish() {
      db.exec('COMMIT'); // AUTOINCREMENT's sqlite_sequence already follows the highest id inserted
    },
    async abandon() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

async function counts(target: CopyTarget, tables: LedgerTable[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const t of tables) result.set(t.name, await target.count(t.name));
  return result;
}

export interface CopyOptions {
  /** Empty a non-empty target first; without it a non-empty target is refused. */
  replace?: boolean;
  /** Called after each table, for progress. */
  onTable?: (table: string, rows: number) => void;
  now?: () => number;
}

export async function copyLedger(fromPath: string, to: string, options: CopyOptions = {}): Promise<CopyReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const tables = ledgerTables();
  const toSqlite = !isPostgresUrl(to);
  if (toSqlite && resolve(to) === resolve(fromPath)) throw new InputError('db_copy_same', [`--to ${to} is the --from ledger itself`]);
  const source = openSource(fromPath, tables);
  let target: CopyTarget | null = null;
  try {
    target = toSqlite ? sqliteCopyTarget(to) : await pgCopyTarget(to);
    await target.begin();
    const before = await counts(target, tables);
    const occupied = [...before].filter(([, n]) => n > 0);
    if (occupied.length > 0 && !options.replace) {
      throw new InputError(
        'db_copy_target_not_empty',
        [`--to ${target.name} already holds a ledger (${occupied.map(([t, n]) => `${t} ${n}`).join(', ')}): nothing copied`],
        'Add --replace to empty it and copy again (it deletes every row there), or point --to at an empty database.',
      );
    }
    const names = tables.map((t) => t.name);
    await target.suspendTriggers(names);
    if (occupied.length > 0) await target.clear(names);
    const fromCounts = new Map<string, number>();
    for (const t of tables) fromCounts.set(t.name, await copyTable(source, target, t, options.onTable));
    await target.resumeTriggers(names);
    const after = await counts(target, tables);
    const report = tables.map((t) => ({ table: t.name, from: fromCounts.get(t.name)!, to: after.get(t.name)! }));
    const wrong = report.filter((r) => r.from !== r.to);
    if (wrong.length > 0) {
      throw new RuntimeError('db_copy_mismatch', `copy rolled back: counts differ (${wrong.map((r) => `${r.table} ${r.from} → ${r.to}`).join(', ')})`);
    }
    await target.finish();
    return { from: fromPath, to: target.name, replaced: occupied.length > 0, tables: report, rows: report.reduce((s, r) => s + r.to, 0), ms: now() - started };
  } catch (err) {
    await target?.abandon();
    throw err;
  } finally {
    source.exec('COMMIT');
    source.close();
    await target?.close();
  }
}

/** One table in rowid order, a batch at a time; returns the rows read. */
async function copyTable(source: Database.Database, target: CopyTarget, table: LedgerTable, onTable?: CopyOptions['onTable']): Promise<number> {
  const batch = target.maxRows(table.columns.length);
  const select = source.prepare(`SELECT rowid AS __rowid, ${table.columns.map((c) => `"${c}"`).join(', ')} FROM "${table.name}" WHERE rowid > ? ORDER BY rowid LIMIT ?`).raw(true);
  let last = -Infinity;
  let copied = 0;
  for (;;) {
    const rows = select.all(last === -Infinity ? -9007199254740991 : last, batch) as unknown[][];
    if (rows.length === 0) break;
    const first = rows[0][0] as number;
    last = rows[rows.length - 1][0] as number;
    try {
      await target.insert(table.name, table.columns, rows.map((r) => r.slice(1)));
    } catch (err) {
      throw new RuntimeError(
        'db_copy_failed',
        `copy rolled back, the target is as it was: writing ${table.name} rows ${first}-${last} (SQLite rowid) failed: ${(err as Error).message}`,
        'A row refused (a value of the wrong type?): fix it in the --from ledger; the target gone: check it is up. Then run db copy again.',
        { cause: err },
      );
    }
    copied += rows.length;
    if (rows.length < batch) break;
  }
  onTable?.(table.name, copied);
  return copied;
}
