import { and, eq, getTableName, inArray } from 'drizzle-orm';
import type { Order } from '../domain/order.js';
import type { PlannedSend } from '../domain/plan.js';
import type { TrackingProviderName } from '../domain/tracking-providers.js';
import type { Db } from './db.js';
import { orders, sends, trackingEvents, trackingRegistrations } from './schema.js';
import { STAGE_SQL } from './dashboard.js';
import { insertJsonRowsSql } from './sql.js';

/** An order as the bulk import writes it: validated, times in ms. */
export type BatchOrder = Omit<Order, 'shippedAt'> & { shippedAt: number };

/** One order of a batch with its planned sends and, when a provider tracks it, its registration. */
export interface BatchItem<T extends { order: BatchOrder }> {
  item: T;
  planned: ReadonlyArray<{ milestone: PlannedSend['milestone']; dueAt: number; status: PlannedSend['status']; reason: PlannedSend['reason'] }>;
  provider: TrackingProviderName | null;
}

/** What the ledger already holds for an order id a batch repeats (to tell a re-import from a conflict). */
export interface KnownOrder {
  store: string;
  buyerEmail: string;
  buyerName: string;
  country: string;
  carrier: string;
  trackingNumber: string;
  shippedAt: number;
}

export interface BatchWritten<T> {
  created: T[];
  /** Sends written as queued (due before `queueUntil`): the caller hands them to BullMQ after the commit. */
  queued: Array<{ id: number; dueAt: number }>;
  /** Items whose order id was known already, with what the ledger holds. */
  known: Array<{ item: T; row: KnownOrder | undefined }>;
}

/**
 * The bulk import's writer: statements prepared once per import (a Drizzle
 * query per row costs more than the insert itself), one transaction per
 * batch, with insertOrder's semantics: a known order (or a repeat within the
 * batch) changes nothing. Column names come from the schema.
 */
export function orderBatchWriter(db: Db): <T extends { order: BatchOrder }>(batch: ReadonlyArray<BatchItem<T>>, now: number, queueUntil: number) => BatchWritten<T> {
  const orderColumns = [
    orders.orderId, orders.store, orders.buyerName, orders.buyerEmail, orders.buyerLocale, orders.buyerTimezone,
    orders.country, orders.carrier, orders.trackingNumber, orders.shippedAt, orders.state, orders.watchAt, orders.createdAt, orders.updatedAt,
  ];
  const sendColumns = [sends.orderId, sends.milestone, sends.status, sends.reason, sends.dueAt, sends.queuedAt, sends.createdAt, sends.updatedAt];
  const r = trackingRegistrations;
  const registrationColumns = [r.orderId, r.provider, r.trackingNumber, r.carrier, r.state, r.dueAt, r.createdAt, r.updatedAt];
  const c = db.$client;
  const insertOrders = c.prepare<[string], string>(insertJsonRowsSql(getTableName(orders), orderColumns, ` ON CONFLICT DO NOTHING RETURNING ${orders.orderId.name}`)).pluck();
  const insertSends = c.prepare<[string], { id: number; status: string; dueAt: number }>(
    insertJsonRowsSql(getTableName(sends), sendColumns, ` RETURNING ${sends.id.name} AS id, ${sends.status.name} AS status, ${sends.dueAt.name} AS dueAt`),
  );
  const insertRegistrations = c.prepare<[string]>(insertJsonRowsSql(getTableName(trackingRegistrations), registrationColumns, ' ON CONFLICT DO NOTHING'));
  const known = c.prepare<[string], KnownOrder>(
    `SELECT store, buyer_email AS buyerEmail, buyer_name AS buyerName, country, carrier, tracking_number AS trackingNumber, shipped_at AS shippedAt FROM ${getTableName(orders)} WHERE order_id = ?`,
  );
  // A bigger page cache for this connection: index pages of a large import stay in memory.
  c.pragma('cache_size = -65536');
  // The stage counts of a batch's new orders in one statement (the per-row trigger stands aside meanwhile:
  // it cost a quarter of the import). Imported orders have no tracking event yet, so no lane transit either.
  const flagOn = c.prepare('INSERT INTO dashboard_bulk_import (id) VALUES (1)');
  const flagOff = c.prepare('DELETE FROM dashboard_bulk_import');
  const countStages = c.prepare<[string]>(
    `INSERT INTO dashboard_stage_counts (ship_day, store, carrier, country, stage, n)
     SELECT shipped_at / 86400000, store, carrier, country, ${STAGE_SQL}, count(*) FROM orders
     WHERE order_id IN (SELECT value FROM json_each(?)) GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT (ship_day, store, carrier, country, stage) DO UPDATE SET n = n + excluded.n`,
  );
  return (batch, now, queueUntil) =>
    c.transaction(() => {
      const written: BatchWritten<(typeof batch)[number]['item']> = { created: [], queued: [], known: [] };
      if (batch.length === 0) return written;
      flagOn.run();
      // Orders first: RETURNING names the ones that are new (a known id, or a repeat later in the batch, is not).
      const created = new Set(insertOrders.all(JSON.stringify(batch.map(({ item: { order: o } }) => [
        o.orderId, o.store, o.buyerName, o.buyerEmail, o.buyerLocale, o.buyerTimezone,
        o.country, o.carrier, o.trackingNumber, o.shippedAt, o.state, o.state === 'active' ? o.shippedAt : null, now, now,
      ]))));
      const sendRows: unknown[][] = [];
      const registrationRows: unknown[][] = [];
      for (const { item, planned, provider } of batch) {
        const o = item.order;
        // The first row of an id is the one inserted; a repeat of it reads as known, as it would from an earlier import.
        if (!created.delete(o.orderId)) {
          written.known.push({ item, row: known.get(o.orderId) });
          continue;
        }
        for (const p of planned) {
          const queue = p.status === 'scheduled' && p.dueAt <= queueUntil;
          sendRows.push([o.orderId, p.milestone, queue ? 'queued' : p.status, p.reason, p.dueAt, queue ? now : null, now, now]);
        }
        if (provider) registrationRows.push([o.orderId, provider, o.trackingNumber, o.carrier, 'pending', now, now, now]);
        written.created.push(item);
      }
      if (sendRows.length > 0) {
        for (const row of insertSends.all(JSON.stringify(sendRows))) if (row.status === 'queued') written.queued.push({ id: row.id, dueAt: row.dueAt });
        // RETURNING promises no order; the queue gets them as they were planned.
        written.queued.sort((a, b) => a.id - b.id);
      }
      if (registrationRows.length > 0) insertRegistrations.run(JSON.stringify(registrationRows));
      if (written.created.length > 0) countStages.run(JSON.stringify(written.created.map((item) => item.order.orderId)));
      flagOff.run();
      return written;
    })();
}

/** Of these tracking numbers, the ones with events that arrived before any order had them. */
export function numbersWithUnmatchedEvents(db: Db, numbers: readonly string[]): Set<string> {
  if (numbers.length === 0) return new Set();
  return new Set(
    db
      .selectDistinct({ n: trackingEvents.trackingNumber })
      .from(trackingEvents)
      .where(and(eq(trackingEvents.outcome, 'unmatched'), inArray(trackingEvents.trackingNumber, [...numbers])))
      .all()
      .map((row) => row.n),
  );
}
