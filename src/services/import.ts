import { and, eq, inArray } from 'drizzle-orm';
import type { DateTime } from 'luxon';
import { validateOrder, type Order } from '../domain/order.js';
import { planSends, type PlannedSend } from '../domain/plan.js';
import { orders, sends, trackingEvents } from '../store/schema.js';
import type { ImportRow } from './import-csv.js';
import { asColumnProblem } from './import-csv.js';
import type { OrderServiceDeps } from './orders.js';
import { applyUnmatchedEvents } from './tracking.js';

export interface InvalidRow {
  line: number;
  problems: string[];
}

export interface ImportSummary {
  rows: number;
  imported: number;
  alreadyKnown: number;
  invalid: number;
  /** The first `keepInvalid` invalid rows; `invalid` counts them all. */
  invalidRows: InvalidRow[];
}

export interface ImportOptions {
  batchSize?: number;
  keepInvalid?: number;
  onProgress?(summary: ImportSummary): void;
}

interface Valid {
  order: Order;
  planned: PlannedSend[];
}

function orderValues(order: Order, now: number) {
  return {
    orderId: order.orderId,
    store: order.store,
    buyerName: order.buyerName,
    buyerEmail: order.buyerEmail,
    buyerLocale: order.buyerLocale,
    buyerTimezone: order.buyerTimezone,
    country: order.country,
    carrier: order.carrier,
    trackingNumber: order.trackingNumber,
    shippedAt: order.shippedAt.toMillis(),
    state: order.state,
    createdAt: now,
    updatedAt: now,
  };
}

function sendValues(orderId: string, p: PlannedSend, now: number) {
  return { orderId, milestone: p.milestone, status: p.status, reason: p.reason, dueAt: p.dueAt.toMillis(), createdAt: now, updatedAt: now };
}

const SEND_CHUNK = 1000;

/**
 * Writes one batch in one transaction, with the same semantics as insertOrder:
 * a known order (or a repeat within the batch) changes nothing. Returns the
 * orders actually created.
 */
function writeBatch(deps: OrderServiceDeps, batch: Valid[], now: number): Order[] {
  const seen = new Set<string>();
  const fresh = batch.filter((v) => !seen.has(v.order.orderId) && seen.add(v.order.orderId));
  return deps.db.transaction((tx) => {
    const inserted = tx
      .insert(orders)
      .values(fresh.map((v) => orderValues(v.order, now)))
      .onConflictDoNothing()
      .returning({ orderId: orders.orderId })
      .all();
    const created = new Set(inserted.map((r) => r.orderId));
    const rows = fresh.filter((v) => created.has(v.order.orderId)).flatMap((v) => v.planned.map((p) => sendValues(v.order.orderId, p, now)));
    for (let i = 0; i < rows.length; i += SEND_CHUNK) tx.insert(sends).values(rows.slice(i, i + SEND_CHUNK)).run();
    return fresh.filter((v) => created.has(v.order.orderId)).map((v) => v.order);
  });
}

/** Tracking events that arrived before their order: applied once the order exists. */
function applyEarlyEvents(deps: OrderServiceDeps, created: Order[]): void {
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
  for (const order of created) if (waiting.has(order.trackingNumber)) applyUnmatchedEvents(deps, order);
}

/**
 * Bulk import: validates each row, then records orders and their planned sends
 * in transactions of `batchSize` rows. Invalid rows are collected, never
 * stopping the valid ones; importing the same rows twice schedules nothing new.
 */
export async function importOrders(deps: OrderServiceDeps, rows: AsyncIterable<ImportRow>, options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 1000;
  const keepInvalid = options.keepInvalid ?? 1000;
  const summary: ImportSummary = { rows: 0, imported: 0, alreadyKnown: 0, invalid: 0, invalidRows: [] };
  let batch: Valid[] = [];
  let now: DateTime = deps.clock.now();
  const flush = () => {
    if (batch.length > 0) {
      const created = writeBatch(deps, batch, now.toMillis());
      applyEarlyEvents(deps, created);
      summary.imported += created.length;
      summary.alreadyKnown += batch.length - created.length;
      batch = [];
    }
    now = deps.clock.now();
    options.onProgress?.(summary);
  };
  for await (const row of rows) {
    summary.rows += 1;
    const validation = row.input ? validateOrder(row.input, now) : null;
    if (!validation?.ok) {
      summary.invalid += 1;
      const problems = validation ? validation.problems.map(asColumnProblem) : row.problems;
      if (summary.invalidRows.length < keepInvalid) summary.invalidRows.push({ line: row.line, problems });
      continue;
    }
    batch.push({ order: validation.order, planned: planSends(validation.order, deps.profiles(validation.order), now) });
    if (batch.length >= batchSize) flush();
  }
  flush();
  return summary;
}
