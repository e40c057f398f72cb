/**
 * The tracking contract tests' pair of ledgers (SQLite and PostgreSQL) with
 * direct access to each engine's tables, to enter orders (the ledger module's
 * insertOrder is not on PostgreSQL yet) and to set what no query sets.
 */
import { expect } from 'vitest';
import type { Ledger } from '../../../src/store/ledger-api.js';
import { openPgLedger, type PgLedger } from '../../../src/store/pg/ledger.js';
import * as pgSchema from '../../../src/store/schema-pg.js';
import * as sqliteSchema from '../../../src/store/schema.js';
import type { OrderRow } from '../../../src/store/ledger.js';
import { postgresTestLedger, sqliteTestLedger } from '../../helpers/ledgers.js';

export type NewOrder = typeof sqliteSchema.orders.$inferInsert;

export interface TrackingPair {
  sqlite: Ledger;
  postgres: Ledger;
  /** The PostgreSQL database's own pool, for what the Ledger does not offer. */
  pg: PgLedger;
  /** Runs `fn` on SQLite, then on PostgreSQL; asserts both answered the same and returns the answer. */
  same<T>(fn: (ledger: Ledger) => Promise<T>): Promise<T>;
  insertOrders(rows: NewOrder[]): Promise<void>;
  /** Runs raw SQL on both engines (tests only: to set a value no query sets). */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function trackingPair(): Promise<TrackingPair> {
  const a = await sqliteTestLedger();
  const b = await postgresTestLedger();
  const pg = await openPgLedger(b.url, { migrate: false, max: 2 });
  const sqliteDb = a.ledger.sqlite!;
  return {
    sqlite: a.ledger,
    postgres: b.ledger,
    pg,
    async same(fn) {
      const left = await fn(a.ledger);
      const right = await fn(b.ledger);
      expect(right).toStrictEqual(left);
      return left;
    },
    async insertOrders(rows) {
      sqliteDb.insert(sqliteSchema.orders).values(rows).run();
      await pg.db.insert(pgSchema.orders).values(rows);
    },
    async exec(text) {
      sqliteDb.$client.exec(text);
      await pg.pool.query(text);
    },
    close: async () => {
      await pg.close();
      await a.close();
      await b.close();
    },
  };
}

export const T0 = Date.UTC(2026, 2, 2, 12);
export const HOUR = 3_600_000;

/** An active order shipped at T0, entered at `createdAt`. */
export function order(orderId: string, fields: Partial<NewOrder> = {}): NewOrder {
  return {
    orderId,
    store: 'shop-a',
    buyerName: 'Ana',
    buyerEmail: `${orderId.toLowerCase()}@example.com`,
    buyerLocale: 'es-ES',
    buyerTimezone: 'Europe/Madrid',
    country: 'ES',
    carrier: 'correos',
    trackingNumber: `RR${orderId}ES`,
    shippedAt: T0,
    watchAt: T0,
    createdAt: T0,
    updatedAt: T0,
    ...fields,
  };
}

/** What SQLite fills in for an order entered with `row`: the defaults of the schema. */
export function orderRow(row: NewOrder, fields: Partial<OrderRow> = {}): OrderRow {
  return {
    buyerChannelId: null,
    state: 'active',
    stateReason: null,
    stageRank: 0,
    lastEventAt: null,
    exceptionAt: null,
    disputedAt: null,
    watchAt: null,
    ...row,
    ...fields,
  } as OrderRow;
}
