/**
 * Fixtures of the ledger and order-batch contract tests: domain orders and
 * planned sends as the services build them, and raw SQL on both engines to
 * set what no query sets and to look at what a call wrote.
 */
import { DateTime } from 'luxon';
import { expect } from 'vitest';
import type { Milestone } from '../../../src/domain/milestones.js';
import type { Order } from '../../../src/domain/order.js';
import type { PlannedSend, SkipReason } from '../../../src/domain/plan.js';
import type { Db } from '../../../src/store/db.js';
import { T0, type ContractPair } from './contract-pair.js';

export function domainOrder(orderId: string, o: Partial<Order> = {}): Order {
  return {
    orderId, store: 'default', buyerName: 'Ana Souza', buyerEmail: 'ana@example.com', buyerLocale: 'pt-BR', buyerTimezone: 'America/Sao_Paulo',
    country: 'BR', carrier: 'cainiao', trackingNumber: `LP${orderId}`, shippedAt: DateTime.fromMillis(T0, { zone: 'utc' }), state: 'active', ...o,
  };
}

export function planned(milestone: Milestone, dueAt: number, o: { status?: 'scheduled' | 'skipped'; reason?: SkipReason | null; seq?: number } = {}): PlannedSend {
  return { milestone, dueAt: DateTime.fromMillis(dueAt, { zone: 'utc' }), status: o.status ?? 'scheduled', reason: o.reason ?? null, ...(o.seq === undefined ? {} : { seq: o.seq }) };
}

function sqliteOf(pair: ContractPair): Db {
  return (pair.sqlite as unknown as { sqlite: Db }).sqlite;
}

/** Runs a statement (valid on both engines) on both ledgers. */
export async function execBoth(pair: ContractPair, text: string): Promise<void> {
  sqliteOf(pair).$client.exec(text);
  await pair.pg.pool.query(text);
}

/** A query's rows on both engines (snake_case columns); expects them equal and returns them. */
export async function rowsBoth(pair: ContractPair, text: string): Promise<Array<Record<string, unknown>>> {
  const onSqlite = sqliteOf(pair).$client.prepare(text).all() as Array<Record<string, unknown>>;
  const onPostgres = (await pair.pg.pool.query(text)).rows as Array<Record<string, unknown>>;
  expect(onPostgres).toStrictEqual(onSqlite);
  return onSqlite;
}
