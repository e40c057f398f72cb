/**
 * The same ledger on both engines, for contract tests: a fresh SQLite file
 * and a fresh PostgreSQL database, each migrated, behind the one OpenLedger door.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InferInsertModel, type InferSelectModel, type SQL, type Table } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Db } from '../../src/store/db.js';
import * as sqliteSchema from '../../src/store/schema.js';
import * as pgSchema from '../../src/store/schema-pg.js';
import type { OpenLedger } from '../../src/store/ledger-api.js';
import { openLedger } from '../../src/store/open.js';
import { postgresLedger } from '../../src/store/pg/pg-ledger.js';
import { openSqliteLedger } from '../../src/store/sqlite-ledger.js';
import { freshPostgresDatabase } from './postgres.js';

export interface LedgerPair {
  sqlite: OpenLedger;
  postgres: OpenLedger;
  /** Both, for `for (const ledger of pair.both)`. */
  both: OpenLedger[];
  close(): Promise<void>;
}

export async function sqliteTestLedger(): Promise<{ ledger: OpenLedger; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'postship-ledger-'));
  const ledger = openSqliteLedger(join(dir, 'postship.db'));
  return { ledger, close: async () => { await ledger.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export async function postgresTestLedger(): Promise<{ ledger: OpenLedger; url: string; close(): Promise<void> }> {
  const url = await freshPostgresDatabase('ledger');
  const ledger = postgresLedger(url);
  await ledger.check(); // connects and migrates now, so the test's first call measures nothing of it
  return { ledger, url, close: () => ledger.close() };
}

export async function ledgerPair(): Promise<LedgerPair> {
  const a = await sqliteTestLedger();
  const b = await postgresTestLedger();
  return {
    sqlite: a.ledger,
    postgres: b.ledger,
    both: [a.ledger, b.ledger],
    close: async () => {
      await a.close();
      await b.close();
    },
  };
}

/**
 * The SQLite connection under a runtime's ledger, for tests that set up or
 * inspect rows with the synchronous store functions. Throws on PostgreSQL.
 */
export function sqliteOf(owner: { ledger: OpenLedger } | OpenLedger): Db {
  const ledger = 'ledger' in owner ? owner.ledger : owner;
  if (!ledger.sqlite) throw new Error(`the ledger ${ledger.name} is not SQLite`);
  return ledger.sqlite;
}

/** Anything that holds a ledger and knows where it lives: a Runtime, a daemon's runtime. */
export interface LedgerOwner {
  ledger: OpenLedger;
  config: { dbPath: string };
}

type SqliteTables = typeof sqliteSchema;
/** The tables both schemas declare under one name. */
export type TableName = { [K in keyof SqliteTables & keyof typeof pgSchema]: SqliteTables[K] extends Table ? K : never }[keyof SqliteTables & keyof typeof pgSchema];
export type RowOf<K extends TableName> = SqliteTables[K] extends Table ? InferSelectModel<SqliteTables[K]> : never;

const pools = new Map<string, pg.Pool>();
/** A small pool per test database for the test's own reads; idle connections let the worker exit. */
function postgresDb(url: string) {
  let pool = pools.get(url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 300, allowExitOnIdle: true });
    pools.set(url, pool);
  }
  return drizzlePg(pool);
}

/**
 * Every row of one ledger table, on either engine, for tests that look at what
 * the code wrote (the code itself only goes through the ledger's queries).
 * Rows come in the SQLite schema's shape: both schemas name columns alike and
 * keep times as epoch milliseconds.
 */
export async function tableRows<K extends TableName>(owner: LedgerOwner, table: K): Promise<Array<RowOf<K>>> {
  const sqlite = owner.ledger.sqlite;
  if (sqlite) return sqlite.select().from(sqliteSchema[table] as SQLiteTable).all() as Array<RowOf<K>>;
  return (await postgresDb(owner.config.dbPath).select().from(pgSchema[table] as PgTable)) as Array<RowOf<K>>;
}

/** Sets columns on a table's rows (all of them, or those `where` picks), on either engine: a test arranging a state. */
export async function updateRows<K extends TableName>(
  owner: LedgerOwner,
  table: K,
  values: Partial<RowOf<K>>,
  where?: (columns: SqliteTables[K]) => SQL,
): Promise<void> {
  const sqlite = owner.ledger.sqlite;
  if (sqlite) {
    const t = sqliteSchema[table] as SQLiteTable;
    const q = sqlite.update(t).set(values as never);
    (where ? q.where(where(t as SqliteTables[K])) : q).run();
    return;
  }
  const t = pgSchema[table] as PgTable;
  const q = postgresDb(owner.config.dbPath).update(t).set(values as never);
  // The pg table's columns stand in for the SQLite ones: drizzle's operators take either.
  await (where ? q.where(where(t as unknown as SqliteTables[K])) : q);
}

/** Runs one raw SQL statement on either engine (the text must suit it), returning its rows. */
export async function ledgerQuery<T = Record<string, unknown>>(owner: LedgerOwner, text: string): Promise<T[]> {
  const sqlite = owner.ledger.sqlite;
  if (sqlite) {
    const statement = sqlite.$client.prepare(text);
    if (statement.reader) return statement.all() as T[];
    statement.run();
    return [];
  }
  const pool = (postgresDb(owner.config.dbPath) as unknown as { $client: pg.Pool }).$client;
  return (await pool.query(text)).rows as T[];
}

/** Inserts rows into one ledger table on either engine: a test arranging history the CLI cannot make (old events, delivered parcels). */
export async function insertRows<K extends TableName>(owner: LedgerOwner, table: K, rows: Array<SqliteTables[K] extends Table ? InferInsertModel<SqliteTables[K]> : never>): Promise<void> {
  if (rows.length === 0) return;
  const sqlite = owner.ledger.sqlite;
  if (sqlite) {
    sqlite.insert(sqliteSchema[table] as SQLiteTable).values(rows as never).run();
    return;
  }
  await postgresDb(owner.config.dbPath).insert(pgSchema[table] as PgTable).values(rows as never);
}

/**
 * Opens the ledger a CLI test's POSTSHIP_DB names (file or URL), runs `use`
 * on it, and closes it, so the CLI processes the test runs next see it alone.
 */
export async function withLedgerAt<T>(location: string, use: (owner: LedgerOwner) => Promise<T> | T): Promise<T> {
  const ledger = openLedger(location);
  try {
    return await use({ ledger, config: { dbPath: location } });
  } finally {
    await ledger.close();
  }
}

export interface TwinLedgers {
  readonly sqlite: OpenLedger;
  readonly postgres: OpenLedger;
  /** Asks both the same question and expects one answer: the SQLite one, returned. */
  same<T>(ask: (ledger: OpenLedger) => Promise<T>): Promise<T>;
}

/**
 * A fresh SQLite and a fresh PostgreSQL ledger, each written by `story` in the
 * suite's beforeAll (through the door, so the count triggers run), closed in
 * its afterAll. Call it inside a describe.
 */
export function twinLedgers(story: (ledger: OpenLedger) => Promise<void>): TwinLedgers {
  let pair: { sqlite: OpenLedger; postgres: OpenLedger } | null = null;
  const closers: Array<() => Promise<void>> = [];
  const opened = () => {
    if (!pair) throw new Error('twinLedgers: the ledgers open in beforeAll; ask inside a test');
    return pair;
  };
  beforeAll(async () => {
    const a = await sqliteTestLedger();
    const b = await postgresTestLedger();
    closers.push(a.close, b.close);
    pair = { sqlite: a.ledger, postgres: b.ledger };
    await story(a.ledger);
    await story(b.ledger);
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });
  return {
    get sqlite() {
      return opened().sqlite;
    },
    get postgres() {
      return opened().postgres;
    },
    async same(ask) {
      const want = await ask(opened().sqlite);
      expect(await ask(opened().postgres)).toStrictEqual(want);
      return want;
    },
  };
}
