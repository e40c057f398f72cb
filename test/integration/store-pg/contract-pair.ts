/**
 * Contract tests of the PostgreSQL query modules: the same rows seeded into a
 * fresh SQLite ledger and a fresh PostgreSQL one, the same calls on both.
 * Rows go straight into the tables (no ids given, so both engines number them
 * alike), whatever state a test needs, sent letters included.
 */
import { expect } from 'vitest';
import type { Ledger } from '../../../src/store/ledger-api.js';
import { randomBytes } from 'node:crypto';
import pgDriver from 'pg';
import { openPgLedger, type PgLedger } from '../../../src/store/pg/ledger.js';
import { postgresLedger } from '../../../src/store/pg/pg-ledger.js';
import * as pgSchema from '../../../src/store/schema-pg.js';
import * as sqliteSchema from '../../../src/store/schema.js';
import { postgresTestLedger, sqliteTestLedger } from '../../helpers/ledgers.js';
import { postgresUrl } from '../../helpers/postgres.js';

type TableName = 'orders' | 'sends' | 'trackingEvents' | 'feedback' | 'disputes' | 'mailEvents' | 'suppressions' | 'apiTokens' | 'storeWebhooks' | 'trackingRegistrations' | 'meta';
type Row = Record<string, unknown>;

export interface ContractPair {
  sqlite: Ledger;
  postgres: Ledger;
  both: Ledger[];
  /** Inserts the rows, in order, into both ledgers (or only into `only`). */
  seed(table: TableName, rows: Row[], only?: Ledger): Promise<void>;
  /** Runs the call on both ledgers, expects the same answer (strictly: undefined is not null), returns it. */
  same<T>(call: (ledger: Ledger) => Promise<T>): Promise<T>;
  /** Runs one plain SELECT on both databases, expects the same rows (snake_case columns), returns them. */
  rows(query: string): Promise<Row[]>;
  /** The PostgreSQL ledger's own connection, for looking at what a call wrote. */
  pg: PgLedger;
  /** The PostgreSQL database's URL, for more connections to it. */
  pgUrl: string;
  close(): Promise<void>;
}

/**
 * A locale's collation sorts 'alpha' before 'Zeta' and may skip punctuation:
 * text must still compare as SQLite's bytes. ICU's en-US is there whatever
 * locales the machine has.
 */
async function icuTestLedger(): Promise<{ ledger: Ledger; url: string; close(): Promise<void> }> {
  const database = `ledger_icu_${randomBytes(4).toString('hex')}`;
  const client = new pgDriver.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${database}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'`);
  } finally {
    await client.end();
  }
  const url = new URL(postgresUrl());
  url.pathname = `/${database}`;
  const ledger = postgresLedger(url.toString());
  await ledger.check();
  return { ledger, url: url.toString(), close: () => ledger.close() };
}

/** `{ icu: true }`: the PostgreSQL database collates text as ICU's en-US, not as bytes (C). */
export async function contractPair(options: { icu?: boolean } = {}): Promise<ContractPair> {
  const a = await sqliteTestLedger();
  const b = options.icu ? await icuTestLedger() : await postgresTestLedger();
  const pg = await openPgLedger(b.url, { migrate: false, max: 2 });
  const sqliteDb = a.ledger.sqlite!;
  return {
    sqlite: a.ledger,
    postgres: b.ledger,
    both: [a.ledger, b.ledger],
    pg,
    pgUrl: b.url,
    async seed(table, rows, only) {
      for (const row of rows) {
        if (only !== b.ledger) sqliteDb.insert(sqliteSchema[table]).values(row as never).run();
        if (only !== a.ledger) await pg.db.insert(pgSchema[table]).values(row as never);
      }
    },
    async same(call) {
      const onSqlite = await call(a.ledger);
      const onPostgres = await call(b.ledger);
      expect(onPostgres).toStrictEqual(onSqlite);
      return onSqlite;
    },
    async rows(query) {
      const onSqlite = sqliteDb.$client.prepare(query).all() as Row[];
      const onPostgres = (await pg.pool.query(query)).rows as Row[];
      expect(onPostgres).toEqual(onSqlite);
      return onSqlite;
    },
    async close() {
      await pg.close();
      await a.close();
      await b.close();
    },
  };
}

export const T0 = Date.UTC(2026, 2, 2, 12);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** An order row; override what the test is about. */
export function order(orderId: string, o: Row = {}): Row {
  return {
    orderId, store: 'default', buyerName: 'Ana Souza', buyerEmail: 'ana@example.com', buyerLocale: 'pt-BR', buyerTimezone: 'America/Sao_Paulo',
    country: 'BR', carrier: 'cainiao', trackingNumber: `LP${orderId}`, shippedAt: T0, createdAt: T0, updatedAt: T0, ...o,
  };
}

/** A send row, scheduled unless told otherwise. */
export function send(orderId: string, milestone: string, o: Row = {}): Row {
  return { orderId, milestone, status: 'scheduled', dueAt: T0 + DAY, createdAt: T0, updatedAt: T0, ...o };
}

/** A tracking event row. */
export function scan(orderId: string | null, dedupKey: string, o: Row = {}): Row {
  return { provider: '17track', dedupKey, trackingNumber: `LP${orderId}`, orderId, receivedAt: T0, raw: '{}', ...o };
}

/** The message of a rejection and of its cause (Drizzle wraps the driver's error in "Failed query: ..."). */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return `${e.message} ${e.cause?.message ?? ''}`;
  }
  throw new Error('expected a rejection');
}
