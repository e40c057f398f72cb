import Database from 'better-sqlite3';
import { is, type SQL } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb } from '../../../src/store/db.js';
import { openPgLedger, type PgLedger } from '../../../src/store/pg/ledger.js';
import * as sqliteSchema from '../../../src/store/schema.js';
import * as pgSchema from '../../../src/store/schema-pg.js';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { freshPostgresDatabase } from '../../helpers/postgres.js';

/**
 * schema.ts (SQLite) is the reference; schema-pg.ts must have the same tables,
 * columns, keys and indexes, and the migrations of each engine must build the
 * same database (tables, columns, indexes, triggers). A change to one schema
 * without the other, or without its migration, fails here.
 */

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();
const where = (dialect: { sqlToQuery(s: SQL): { sql: string } }, s: SQL | undefined) =>
  s ? dialect.sqlToQuery(s).sql.replace(/\s+/g, ' ').toLowerCase() : null;

/** Integer columns PostgreSQL must hold in 64 bits: epoch-ms times and ids (a send's, a resend's). */
const wide = (name: string) => /_at$/.test(name) || name === 'id' || /_id$/.test(name) || name === 'resend_of';

function describeSqlite() {
  const tables = (Object.values(sqliteSchema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable));
  return Object.fromEntries(
    tables.map((t) => {
      const c = sqliteConfig(t);
      return [c.name, {
        columns: Object.fromEntries(c.columns.map((col) => [col.name, {
          type: col.getSQLType() === 'integer' ? (wide(col.name) ? 'bigint' : 'integer') : col.getSQLType(),
          notNull: col.notNull, primary: col.primary, default: col.default ?? null, enum: col.enumValues ?? null,
        }])),
        primaryKey: c.primaryKeys.map((pk) => pk.columns.map((x) => x.name)),
        foreignKeys: c.foreignKeys.map((fk) => {
          const r = fk.reference();
          return { columns: r.columns.map((x) => x.name), table: sqliteConfig(r.foreignTable).name, foreign: r.foreignColumns.map((x) => x.name) };
        }),
        indexes: Object.fromEntries(c.indexes.map((i) => [i.config.name, {
          unique: i.config.unique, columns: i.config.columns.map((x) => (x as { name: string }).name), where: where(sqliteDialect, i.config.where),
        }])),
      }];
    }),
  );
}

function describePg() {
  const tables = (Object.values(pgSchema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));
  return Object.fromEntries(
    tables.map((t) => {
      const c = pgConfig(t);
      return [c.name, {
        columns: Object.fromEntries(c.columns.map((col) => [col.name, {
          type: col.getSQLType(),
          notNull: col.notNull, primary: col.primary, default: col.default ?? null, enum: col.enumValues ?? null,
        }])),
        primaryKey: c.primaryKeys.map((pk) => pk.columns.map((x) => x.name)),
        foreignKeys: c.foreignKeys.map((fk) => {
          const r = fk.reference();
          return { columns: r.columns.map((x) => x.name), table: pgConfig(r.foreignTable).name, foreign: r.foreignColumns.map((x) => x.name) };
        }),
        indexes: Object.fromEntries(c.indexes.map((i) => [i.config.name, {
          unique: i.config.unique, columns: i.config.columns.map((x) => (x as { name: string }).name), where: where(pgDialect, i.config.where),
        }])),
      }];
    }),
  );
}

describe('schema.ts and schema-pg.ts describe the same ledger', () => {
  it('same tables, columns (types, null, defaults, enums), keys and indexes', () => {
    const sqlite = describeSqlite();
    const pg = describePg();
    expect(Object.keys(pg).sort()).toEqual(Object.keys(sqlite).sort());
    for (const name of Object.keys(sqlite)) expect(pg[name], `table ${name}`).toEqual(sqlite[name]);
  });
});

describe('the migrations of each engine build the same database', () => {
  let dir: TempDir;
  let pg: PgLedger;
  let sqlite: Database.Database;
  beforeAll(async () => {
    dir = tempDir();
    closeDb(openDb(dir.file('parity.db')));
    sqlite = new Database(dir.file('parity.db'), { readonly: true });
    pg = await openPgLedger(await freshPostgresDatabase('parity'), { max: 1 });
  });
  afterAll(async () => {
    sqlite?.close();
    await pg?.close();
    dir?.remove();
  });

  it('tables and their columns, with types and nullability', async () => {
    // SQLite's integer is 64 bits: PostgreSQL's integer (32) is fine for counters, bigint where times and ids live.
    const fromSqlite = (sqlite.prepare(
      "SELECT m.name AS t, p.name AS c, lower(p.type) AS type, p.\"notnull\" AS nn FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__drizzle_migrations' ORDER BY 1, 2",
    ).all() as Array<{ t: string; c: string; type: string; nn: number }>).map((r) => `${r.t}.${r.c} ${r.type === 'integer' ? (wide(r.c) ? 'bigint' : 'integer') : r.type}${r.nn ? ' not null' : ''}`);
    const fromPg = (await pg.pool.query<{ t: string; c: string; type: string; nn: string }>(
      "SELECT table_name AS t, column_name AS c, data_type AS type, is_nullable AS nn FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
    )).rows.map((r) => `${r.t}.${r.c} ${r.type}${r.nn === 'NO' ? ' not null' : ''}`);
    expect(fromPg).toEqual(fromSqlite);
  });

  it('indexes, with their partial conditions', async () => {
    const fromSqlite = (sqlite.prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    ).all() as Array<{ name: string; sql: string }>).map((r) => `${r.name}${/ WHERE /i.test(r.sql) ? ' partial' : ''}`);
    const fromPg = (await pg.pool.query<{ name: string; def: string }>(
      "SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = indexname AND contype = 'p') ORDER BY 1",
    )).rows.map((r) => `${r.name}${/ WHERE /i.test(r.def) ? ' partial' : ''}`);
    expect(fromPg).toEqual(fromSqlite);
  });

  it('triggers (SQLite\'s hand-written ones, as plpgsql)', async () => {
    const fromSqlite = (sqlite.prepare("SELECT name, tbl_name AS t FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all() as Array<{ name: string; t: string }>)
      .map((r) => `${r.t}: ${r.name}`);
    const fromPg = (await pg.pool.query<{ name: string; t: string }>(
      "SELECT DISTINCT trigger_name AS name, event_object_table AS t FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY 1",
    )).rows.map((r) => `${r.t}: ${r.name}`);
    expect(fromPg).toEqual(fromSqlite);
  });
});
