/**
 * One ledger for the dashboard's contract tests, written the same way into a
 * SQLite and a PostgreSQL database: rows inserted, moved on (so the count
 * triggers see inserts, updates and deletes) and removed, statement for
 * statement, on both engines.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../../src/store/db.js';
import type { PgDb } from '../../../src/store/pg/ledger.js';
import * as lite from '../../../src/store/schema.js';
import * as pg from '../../../src/store/schema-pg.js';

export const DAY = 86_400_000;
/** Monday 4 March 2024, 00:00 UTC. */
export const T0 = Date.UTC(2024, 2, 4);
export const DAY0 = T0 / DAY;
/** The page view's "now": day 20, noon. */
export const NOW = T0 + 20 * DAY + 12 * 3_600_000;
export const NO_FEED_DAY = DAY0 + 15;

type Table = 'orders' | 'sends' | 'trackingEvents' | 'suppressions' | 'trackingRegistrations' | 'disputes';
type Row = Record<string, unknown>;
export type Op = { insert: Table; rows: Row[] } | { update: 'orders' | 'sends' | 'disputes'; set: Row; key: string | number } | { delete: 'orders'; key: string };

const keyColumn = { orders: 'orderId', sends: 'id', disputes: 'id' } as const;

/** Applies each operation to both databases, in order. */
export async function applyBoth(sqlite: Db, postgres: PgDb, ops: Op[]): Promise<void> {
  for (const op of ops) {
    if ('insert' in op) {
      // A thousand rows a statement: under either engine's limit on bound values.
      for (let i = 0; i < op.rows.length; i += 1000) {
        sqlite.insert(lite[op.insert]).values(op.rows.slice(i, i + 1000) as never).run();
        await postgres.insert(pg[op.insert]).values(op.rows.slice(i, i + 1000) as never);
      }
    } else if ('update' in op) {
      const l = lite[op.update];
      const p = pg[op.update];
      const k = keyColumn[op.update];
      sqlite.update(l).set(op.set as never).where(eq((l as never as Record<string, never>)[k], op.key as never)).run();
      await postgres.update(p).set(op.set as never).where(eq((p as never as Record<string, never>)[k], op.key as never));
    } else {
      sqlite.delete(lite.orders).where(eq(lite.orders.orderId, op.key)).run();
      await postgres.delete(pg.orders).where(eq(pg.orders.orderId, op.key));
    }
  }
}

export const LANES = [['dhl', 'DE'], ['dhl', 'FR'], ['china-post', 'ES'], ['china-post', 'US'], ['ups', 'US']] as const;
/** What becomes of order i (i % 8). */
const FATE = ['registered', 'in_transit', 'customs', 'post_office', 'delivered', 'returned', 'in_transit', 'delivered'] as const;

export interface SeedOrder {
  orderId: string;
  store: string;
  carrier: string;
  country: string;
  shippedAt: number;
  fate: (typeof FATE)[number] | 'cancelled';
}

export const ORDERS: SeedOrder[] = Array.from({ length: 40 }, (_, i) => {
  const [carrier, country] = LANES[i % 5];
  return {
    orderId: `O-${String(i).padStart(2, '0')}`,
    // One store id in capitals: bytes put it first, a locale's collation last.
    store: i === 29 ? 'Zeta' : i % 3 === 0 ? 'bolt' : 'acme',
    carrier,
    country,
    // Spread over 20 days, every order at its own millisecond (ties are engine-defined on SQLite).
    shippedAt: T0 + (i % 20) * DAY + 3_600_000 + i * 60_000,
    fate: i === 38 ? 'cancelled' : FATE[i % 8],
  };
});

const email = (i: number) => (i === 7 ? 'Mixed.Case@Example.com' : `buyer${i % 12}@example.com`);

function orderRow(o: SeedOrder, i: number): Row {
  return {
    orderId: o.orderId, store: o.store, buyerName: `Buyer ${i}`, buyerEmail: email(i), buyerLocale: 'en', buyerTimezone: 'Europe/Madrid',
    country: o.country, carrier: o.carrier, trackingNumber: i === 5 || i === 25 ? 'TNDUP' : `TN${i}`, shippedAt: o.shippedAt,
    createdAt: o.shippedAt, updatedAt: o.shippedAt,
  };
}

/** The last scan of order i: days after shipping, varied so transit days and stall ages differ. */
const scanAfter = (i: number) => (1 + (i * 7) % 11) * DAY + i * 1_000;

function progress(o: SeedOrder, i: number): Op[] {
  const last = o.shippedAt + scanAfter(i);
  const to = (set: Row): Op => ({ update: 'orders', key: o.orderId, set: { ...set, updatedAt: last } });
  switch (o.fate) {
    case 'registered': return [];
    case 'in_transit': return [to({ stageRank: i % 2, lastEventAt: last })];
    case 'customs': return [to({ stageRank: 1, lastEventAt: last - DAY }), to({ stageRank: 2, lastEventAt: last })];
    case 'post_office': return [to({ stageRank: 3, lastEventAt: last })];
    case 'delivered': return [to({ stageRank: 1, lastEventAt: last - DAY }), to({ state: 'delivered', stageRank: 3, lastEventAt: last, stateReason: 'Delivered' })];
    case 'returned': return [to({ stageRank: 1, lastEventAt: last }), to({ state: 'returned', stateReason: 'Returned' })];
    case 'cancelled': return [to({ state: 'cancelled', stateReason: 'refund' })];
  }
}

/** When O-27 (at the post office) was last scanned. */
export const LAST_27 = ORDERS[27].shippedAt + scanAfter(27);

let sendId = 0;
function sendsOf(o: SeedOrder, i: number): { rows: Row[]; later: Op[] } {
  const base = { orderId: o.orderId, createdAt: o.shippedAt, updatedAt: o.shippedAt + 60_000 };
  const rows: Row[] = [];
  const later: Op[] = [];
  const shipped = { ...base, id: ++sendId, milestone: 'shipped', dueAt: o.shippedAt };
  switch (i % 5) {
    case 0: rows.push({ ...shipped, status: 'sent', sentAt: o.shippedAt + 120_000 }); break;
    case 1: rows.push({ ...shipped, status: 'skipped', reason: i % 2 ? 'quiet_hours' : 'no_email' }); break;
    case 2: rows.push({ ...shipped, status: 'failed', error: '550 no such user' }); break;
    case 3:
      // Scheduled first, sent a day later: the update trigger moves the count.
      rows.push({ ...shipped, status: 'scheduled' });
      later.push({ update: 'sends', key: shipped.id, set: { status: 'sent', sentAt: o.shippedAt + DAY, updatedAt: o.shippedAt + DAY } });
      break;
    default: rows.push({ ...shipped, status: 'skipped', reason: null });
  }
  if (i % 4 === 1) rows.push({ ...base, id: ++sendId, milestone: 'day1', dueAt: o.shippedAt + DAY, status: 'sent', sentAt: o.shippedAt + DAY + 5_000, reason: 'ignored-on-sent' });
  if (i % 6 === 2) rows.push({ ...base, id: ++sendId, milestone: 'day14', dueAt: o.shippedAt + 14 * DAY + i, status: i % 12 === 2 ? 'queued' : 'scheduled' });
  return { rows, later };
}

export function seedOps(): Op[] {
  sendId = 0;
  const sends = ORDERS.map(sendsOf);
  const ops: Op[] = [
    { insert: 'orders', rows: ORDERS.map(orderRow) },
    // One order arrives already delivered (the insert trigger counts its transit), and one that is then deleted.
    { insert: 'orders', rows: [{ ...orderRow({ ...ORDERS[0], orderId: 'O-DONE', shippedAt: T0 + 2 * DAY + 7 }, 40), state: 'delivered', stageRank: 3, lastEventAt: T0 + 9 * DAY + 7 }] },
    { insert: 'orders', rows: [{ ...orderRow({ ...ORDERS[1], orderId: 'O-GONE' }, 41), trackingNumber: 'TNGONE' }] },
    { delete: 'orders', key: 'O-GONE' },
    { insert: 'sends', rows: sends.flatMap((s) => s.rows) },
    ...sends.flatMap((s) => s.later),
    ...ORDERS.flatMap(progress),
    // Two more at the very time of O-27's last scan: one never scanned (shipped then), one last scanned then at rank 0.
    { insert: 'orders', rows: [
      { ...orderRow({ ...ORDERS[4], orderId: 'O-T1', store: 'acme', shippedAt: LAST_27 }, 0), buyerEmail: 'tie@example.com', trackingNumber: 'TNT1' },
      { ...orderRow({ ...ORDERS[4], orderId: 'O-T2', store: 'acme', shippedAt: LAST_27 - 2 * DAY }, 0), buyerEmail: 'tie@example.com', trackingNumber: 'TNT2', lastEventAt: LAST_27 },
    ] },
    { insert: 'trackingEvents', rows: [
      { id: 1, provider: 'aftership', dedupKey: 'a1', trackingNumber: 'TN1', orderId: 'O-01', milestone: 'day1', providerStatus: 'InTransit', occurredAt: T0 + DAY + 9, receivedAt: T0 + DAY + 99, raw: '{"n":1}' },
      { id: 2, provider: 'aftership', dedupKey: 'a2', trackingNumber: 'TN1', orderId: 'O-01', milestone: null, providerStatus: 'Info', occurredAt: null, receivedAt: T0 + DAY + 50, outcome: 'ignored', raw: '{"n":2}' },
      { id: 3, provider: '17track', dedupKey: 'b1', trackingNumber: 'TN1', orderId: null, providerStatus: 'Unmatched', occurredAt: T0 + 3 * DAY, receivedAt: T0 + 3 * DAY, source: 'poll', raw: '{"n":3}' },
      { id: 4, provider: 'aftership', dedupKey: 'c1', trackingNumber: 'TN2', orderId: 'O-02', occurredAt: T0 + DAY, receivedAt: T0 + DAY, raw: '{"n":4}' },
      { id: 5, provider: 'aftership', dedupKey: 'c2', trackingNumber: 'TN1', orderId: 'O-21', occurredAt: T0 + DAY, receivedAt: T0 + DAY, raw: '{"n":5}' },
    ] },
    { insert: 'suppressions', rows: [
      { email: 'buyer3@example.com', scope: 'all', reason: 'bounce', createdAt: T0 + 5 * DAY },
      { email: 'buyer4@example.com', scope: 'all', reason: 'complaint', createdAt: T0 + 6 * DAY },
      { email: 'buyer5@example.com', scope: 'all', reason: 'bounce', createdAt: T0 + 11 * DAY },
      { email: 'buyer6@example.com', scope: 'review', reason: 'unsubscribe', createdAt: T0 + 12 * DAY },
      { email: 'nobody@example.com', scope: 'all', reason: 'complaint', createdAt: T0 + 13 * DAY },
      { email: 'buyer9@example.com', scope: 'all', reason: 'bounce', createdAt: T0 + 14 * DAY },
    ] },
    { insert: 'trackingRegistrations', rows: [
      { orderId: 'O-00', provider: '17track', trackingNumber: 'TN0', carrier: 'dhl', state: 'rejected', lastError: 'invalid number', createdAt: T0, updatedAt: T0 + 3 * DAY },
      { orderId: 'O-08', provider: 'aftership', trackingNumber: 'TN8', carrier: 'china-post', state: 'rejected', lastError: null, createdAt: T0, updatedAt: T0 + 2 * DAY },
      { orderId: 'O-16', provider: 'trackingmore', trackingNumber: 'TN16', carrier: 'dhl', state: 'rejected', lastError: 'carrier unknown', createdAt: T0, updatedAt: T0 + 4 * DAY },
      { orderId: 'O-04', provider: '17track', trackingNumber: 'TN4', carrier: 'ups', state: 'rejected', lastError: 'delivered anyway', createdAt: T0, updatedAt: T0 + DAY },
      { orderId: 'O-09', provider: '17track', trackingNumber: 'TN9', carrier: 'ups', state: 'pending', createdAt: T0, updatedAt: T0 },
    ] },
    { insert: 'disputes', rows: [
      { id: 1, orderId: 'O-14', seq: 0, reason: 'not_received', openedAt: T0 + 16 * DAY },
      { id: 2, orderId: 'O-02', seq: 0, reason: 'other', openedAt: T0 + 15 * DAY },
      { id: 3, orderId: 'O-03', seq: 0, reason: 'not_as_described', openedAt: T0 + 10 * DAY },
    ] },
    { update: 'disputes', key: 3, set: { closedAt: T0 + 12 * DAY } },
  ];
  return ops;
}
