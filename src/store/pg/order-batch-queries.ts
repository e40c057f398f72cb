import { and, eq } from 'drizzle-orm';
import type { BatchWriter, Ledger, QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../order-batch.js';
import type { BatchOrder, BatchWritten, KnownOrder } from '../order-batch.js';
import { orders, sends, trackingEvents, trackingRegistrations } from '../schema-pg.js';
import { anyOf, insertChunks } from './ledger-queries.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/order-batch.ts`. */
export function pgOrderBatchQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    numbersWithUnmatchedEvents: async (numbers) => {
      if (numbers.length === 0) return new Set();
      const rows = await db
        .selectDistinct({ n: trackingEvents.trackingNumber })
        .from(trackingEvents)
        .where(and(eq(trackingEvents.outcome, 'unmatched'), anyOf(trackingEvents.trackingNumber, numbers, 'text')));
      return new Set(rows.map((row) => row.n));
    },
  };
}

/** What the ledger's orderBatchWriter() returns: the SQLite writer's call, answered with a Promise. */
type Writer = (...args: Parameters<BatchWriter>) => Promise<ReturnType<BatchWriter>>;

/**
 * The bulk import's batch writer on PostgreSQL: one transaction per batch,
 * a few multi-row INSERTs instead of a statement per row, with the SQLite
 * writer's semantics: a known order (or a repeat within the batch) changes
 * nothing and is returned with what the ledger holds. The dashboard's stage
 * counts are the row trigger's work here: PostgreSQL's trigger does not stand
 * aside for the dashboard_bulk_import flag, so counting the batch as well
 * would count it twice.
 */
export function pgOrderBatchWriter(db: PgQ): ReturnType<Ledger['orderBatchWriter']> {
  const write: Writer = (batch, now, queueUntil) => db.transaction((tx) => writeBatch(tx, batch, now, queueUntil));
  // The items travel through untouched: the caller's own item type comes back as it went in.
  return write as unknown as ReturnType<Ledger['orderBatchWriter']>;
}

type Item = Parameters<Writer>[0][number];

async function writeBatch(tx: PgQ, batch: readonly Item[], now: number, queueUntil: number): Promise<BatchWritten<Item['item']>> {
  const written: BatchWritten<Item['item']> = { created: [], queued: [], known: [] };
  const inserted = await insertOrders(tx, batch.map((b) => b.item.order), now);
  const fresh: Item[] = [];
  const repeated: Item[] = [];
  for (const b of batch) {
    // An id inserted once belongs to its first item; a later item with it is a repeat, as in SQLite's row-by-row loop.
    if (inserted.delete(b.item.order.orderId)) fresh.push(b);
    else repeated.push(b);
  }
  written.queued = await insertSends(tx, fresh, now, queueUntil);
  await insertRegistrations(tx, fresh, now);
  written.created = fresh.map((b) => b.item);
  const rows = await knownOrders(tx, repeated.map((b) => b.item.order.orderId));
  written.known = repeated.map((b) => ({ item: b.item, row: rows.get(b.item.order.orderId) }));
  return written;
}

/**
 * Inserts the orders not known yet (ON CONFLICT DO NOTHING); returns the ids
 * it inserted. The first of repeated ids only, in id order: two imports with
 * ids in common then wait for each other in the same order, never in a cycle
 * (a deadlock, which PostgreSQL would end by failing one of them).
 */
async function insertOrders(tx: PgQ, batch: readonly BatchOrder[], now: number): Promise<Set<string>> {
  const first = new Map<string, BatchOrder>();
  for (const o of batch) if (!first.has(o.orderId)) first.set(o.orderId, o);
  const sorted = [...first.values()].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  const values = sorted.map((o) => ({
    orderId: o.orderId, store: o.store, buyerName: o.buyerName, buyerEmail: o.buyerEmail, buyerLocale: o.buyerLocale,
    buyerTimezone: o.buyerTimezone, country: o.country, carrier: o.carrier, trackingNumber: o.trackingNumber,
    shippedAt: o.shippedAt, state: o.state, watchAt: o.state === 'active' ? o.shippedAt : null, createdAt: now, updatedAt: now,
  }));
  const ids = new Set<string>();
  for (const chunk of insertChunks(values, 14)) {
    const rows = await tx.insert(orders).values(chunk).onConflictDoNothing().returning({ orderId: orders.orderId });
    for (const r of rows) ids.add(r.orderId);
  }
  return ids;
}

/** The new orders' sends; those due before `queueUntil` are written queued and returned, in insertion (id) order. */
async function insertSends(tx: PgQ, fresh: readonly Item[], now: number, queueUntil: number): Promise<Array<{ id: number; dueAt: number }>> {
  const values = fresh.flatMap(({ item, planned }) =>
    planned.map((p) => {
      const queue = p.status === 'scheduled' && p.dueAt <= queueUntil;
      return {
        orderId: item.order.orderId, milestone: p.milestone, status: queue ? ('queued' as const) : p.status, reason: p.reason,
        dueAt: p.dueAt, queuedAt: queue ? now : null, createdAt: now, updatedAt: now,
      };
    }),
  );
  const queued: Array<{ id: number; dueAt: number }> = [];
  for (const chunk of insertChunks(values, 8)) {
    const rows = await tx.insert(sends).values(chunk).returning({ id: sends.id, dueAt: sends.dueAt, queuedAt: sends.queuedAt });
    // queued_at is set exactly on the rows this batch queues (a planned `queued` row would have none).
    for (const r of rows) if (r.queuedAt !== null) queued.push({ id: r.id, dueAt: r.dueAt });
  }
  return queued.sort((a, b) => a.id - b.id);
}

async function insertRegistrations(tx: PgQ, fresh: readonly Item[], now: number): Promise<void> {
  const values = fresh.flatMap(({ item: { order: o }, provider }) =>
    provider
      ? [{ orderId: o.orderId, provider, trackingNumber: o.trackingNumber, carrier: o.carrier, state: 'pending' as const, dueAt: now, createdAt: now, updatedAt: now }]
      : [],
  );
  for (const chunk of insertChunks(values, 8)) await tx.insert(trackingRegistrations).values(chunk).onConflictDoNothing();
}

/** What the ledger holds for order ids the batch repeats. */
async function knownOrders(tx: PgQ, orderIds: readonly string[]): Promise<Map<string, KnownOrder>> {
  if (orderIds.length === 0) return new Map();
  const rows = await tx
    .select({
      orderId: orders.orderId, store: orders.store, buyerEmail: orders.buyerEmail, buyerName: orders.buyerName, country: orders.country,
      carrier: orders.carrier, trackingNumber: orders.trackingNumber, shippedAt: orders.shippedAt,
    })
    .from(orders)
    .where(anyOf(orders.orderId, orderIds, 'text'));
  return new Map(rows.map(({ orderId, ...known }) => [orderId, known]));
}
