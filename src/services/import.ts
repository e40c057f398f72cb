import type Database from 'better-sqlite3';
import { and, eq, getTableName, inArray } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Order } from '../domain/order.js';
import type { Db } from '../store/db.js';
import { insertSql } from '../store/sql.js';
import { orders, sends, trackingEvents, trackingRegistrations } from '../store/schema.js';
import type { InvalidRow, PreparedBatch, PreparedOrder } from './import-batches.js';
import { registrationFor, type OrderServiceDeps, type TrackingChoice } from './orders.js';
import type { QueuedSend } from '../queue/promoter.js';
import { applyUnmatchedEvents } from './tracking.js';

export interface ImportSummary {
  rows: number;
  imported: number;
  alreadyKnown: number;
  invalid: number;
  /** The first `keepInvalid` invalid rows; `invalid` counts them all. */
  invalidRows: InvalidRow[];
  /** Rows whose order id is already known with other data (kept as it was): counted, the first `keepInvalid` shown. */
  conflicting: number;
  conflicts: InvalidRow[];
}

/** What makes an order the same order: a repeat with these equal is a harmless re-import. */
const SAME_ORDER_FIELDS = ['store', 'buyerEmail', 'buyerName', 'country', 'carrier', 'trackingNumber', 'shippedAt'] as const;

function differences(known: Record<string, unknown>, row: PreparedOrder['order'], shippedAtGiven: boolean): string[] {
  return SAME_ORDER_FIELDS.filter((f) => known[f] !== row[f] && (f !== 'shippedAt' || shippedAtGiven)).map((f) => {
    const show = (v: unknown) => (f === 'shippedAt' && typeof v === 'number' ? new Date(v).toISOString() : JSON.stringify(v));
    return `${f} ${show(known[f])} in the ledger, ${show(row[f])} here`;
  });
}

export interface ImportOptions {
  keepInvalid?: number;
  onProgress?(summary: ImportSummary, bytesRead: number): void;
  /**
   * Sends due within `horizonMs` are written straight as queued and handed to
   * `enqueue` once their batch has committed: no second pass over the ledger to
   * promote them. `enqueue` must not reject (it puts the rows back to scheduled
   * itself when Redis refuses); once `accepting()` says false, due sends are
   * written as scheduled for the promoter.
   */
  queueDue?: { horizonMs: number; accepting(): boolean; enqueue(sends: QueuedSend[], now: number): Promise<void> };
}

/** Enqueues overlapping the next batches; more than this many in flight waits (bounded memory). */
const MAX_ENQUEUES_IN_FLIGHT = 4;

function toOrder(prepared: PreparedOrder['order']): Order {
  return { ...prepared, shippedAt: DateTime.fromMillis(prepared.shippedAt, { zone: 'utc' }) };
}

type Statement = Database.Statement<unknown[]>;

/**
 * Prepared once per import: a drizzle query builder per row costs more than
 * the insert itself. Column names come from the drizzle schema, so the SQL
 * follows it.
 */
function prepareInserts(db: Db): { order: Statement; send: Statement; registration: Statement; known: Statement } {
  const orderColumns = [
    orders.orderId, orders.store, orders.buyerName, orders.buyerEmail, orders.buyerLocale, orders.buyerTimezone,
    orders.country, orders.carrier, orders.trackingNumber, orders.shippedAt, orders.state, orders.watchAt, orders.createdAt, orders.updatedAt,
  ];
  const sendColumns = [
    sends.orderId, sends.milestone, sends.status, sends.reason, sends.dueAt, sends.queuedAt, sends.createdAt, sends.updatedAt,
  ];
  const r = trackingRegistrations;
  const registrationColumns = [r.orderId, r.provider, r.trackingNumber, r.carrier, r.state, r.dueAt, r.createdAt, r.updatedAt];
  return {
    order: db.$client.prepare(insertSql(getTableName(orders), orderColumns, ' ON CONFLICT DO NOTHING')),
    send: db.$client.prepare(insertSql(getTableName(sends), sendColumns)),
    registration: db.$client.prepare(insertSql(getTableName(trackingRegistrations), registrationColumns, ' ON CONFLICT DO NOTHING')),
    known: db.$client.prepare(
      `SELECT store, buyer_email AS buyerEmail, buyer_name AS buyerName, country, carrier, tracking_number AS trackingNumber, shipped_at AS shippedAt FROM ${getTableName(orders)} WHERE order_id = ?`,
    ),
  };
}

/**
 * Writes one batch in one transaction, with the same semantics as insertOrder:
 * a known order (or a repeat within the batch) changes nothing. Returns the
 * orders actually created, and the sends written as queued (due before `queueUntil`).
 */
function writeBatch(
  db: Db,
  statements: { order: Statement; send: Statement; registration: Statement; known: Statement },
  batch: PreparedOrder[],
  now: number,
  queueUntil: number,
  tracking: TrackingChoice | undefined,
): { created: PreparedOrder['order'][]; queued: QueuedSend[]; conflicts: InvalidRow[] } {
  const write = db.$client.transaction(() => {
    const created: PreparedOrder['order'][] = [];
    const queued: QueuedSend[] = [];
    const conflicts: InvalidRow[] = [];
    for (const { line, shippedAtGiven, order: o, planned } of batch) {
      const inserted = statements.order.run(
        o.orderId, o.store, o.buyerName, o.buyerEmail, o.buyerLocale, o.buyerTimezone,
        o.country, o.carrier, o.trackingNumber, o.shippedAt, o.state, o.state === 'active' ? o.shippedAt : null, now, now,
      );
      if (inserted.changes === 0) {
        // Known already (an earlier import, or an earlier line of this file): the ledger keeps its data; say so when it differs.
        const known = statements.known.get(o.orderId) as Record<string, unknown> | undefined;
        const diff = known ? differences(known, o, shippedAtGiven) : [];
        if (diff.length > 0) conflicts.push({ line, problems: [`order_id ${JSON.stringify(o.orderId)} is already known with other data, kept as it was: ${diff.join('; ')}`] });
        continue;
      }
      for (const p of planned) {
        const dueAt = p.dueAt;
        const queue = p.status === 'scheduled' && dueAt <= queueUntil;
        const row = statements.send.run(
          o.orderId, p.milestone, queue ? 'queued' : p.status, p.reason, dueAt, queue ? now : null, now, now,
        );
        if (queue) queued.push({ id: Number(row.lastInsertRowid), dueAt });
      }
      const registration = registrationFor(tracking, o);
      if (registration) statements.registration.run(o.orderId, registration.provider, o.trackingNumber, o.carrier, 'pending', now, now, now);
      created.push(o);
    }
    return { created, queued, conflicts };
  });
  return write();
}

/** Tracking events that arrived before their order: applied once the order exists. */
function applyEarlyEvents(deps: OrderServiceDeps, created: PreparedOrder['order'][]): void {
  if (created.length === 0) return;
  const numbers = [...new Set(created.map((o) => o.trackingNumber))];
  const waiting = new Set(
    deps.db
      .selectDistinct({ n: trackingEvents.trackingNumber })
      .from(trackingEvents)
      .where(and(eq(trackingEvents.outcome, 'unmatched'), inArray(trackingEvents.trackingNumber, numbers)))
      .all()
      .map((r) => r.n),
  );
  for (const order of created) if (waiting.has(order.trackingNumber)) applyUnmatchedEvents(deps, toOrder(order));
}

/**
 * Bulk import: records prepared batches (validated and planned rows, see
 * prepareBatches) with their planned sends, one transaction per batch.
 * Invalid rows are collected, never stopping the valid ones; importing the
 * same rows twice schedules nothing new.
 */
export async function importOrders(
  deps: OrderServiceDeps,
  batches: AsyncIterable<PreparedBatch>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const keepInvalid = options.keepInvalid ?? 1000;
  const summary: ImportSummary = { rows: 0, imported: 0, alreadyKnown: 0, invalid: 0, invalidRows: [], conflicting: 0, conflicts: [] };
  const statements = prepareInserts(deps.db);
  // A bigger page cache for this connection: index pages of a large import stay in memory.
  deps.db.$client.pragma('cache_size = -65536');
  const queueDue = options.queueDue;
  const enqueues = new Set<Promise<void>>();
  for await (const batch of batches) {
    summary.rows += batch.rows;
    summary.invalid += batch.invalid.length;
    for (const row of batch.invalid) if (summary.invalidRows.length < keepInvalid) summary.invalidRows.push(row);
    if (batch.valid.length > 0) {
      const at = deps.clock.now().toMillis();
      const queueUntil = queueDue?.accepting() ? at + queueDue.horizonMs : -Infinity;
      const { created, queued, conflicts } = writeBatch(deps.db, statements, batch.valid, at, queueUntil, deps.tracking);
      summary.conflicting += conflicts.length;
      for (const row of conflicts) if (summary.conflicts.length < keepInvalid) summary.conflicts.push(row);
      if (queued.length > 0) {
        const enqueue: Promise<void> = queueDue!.enqueue(queued, at).finally(() => enqueues.delete(enqueue));
        enqueues.add(enqueue);
      }
      applyEarlyEvents(deps, created);
      summary.imported += created.length;
      summary.alreadyKnown += batch.valid.length - created.length;
      if (enqueues.size >= MAX_ENQUEUES_IN_FLIGHT) await Promise.race(enqueues);
    }
    options.onProgress?.(summary, batch.bytes);
  }
  await Promise.all(enqueues);
  return summary;
}
