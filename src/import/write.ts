import { DateTime } from 'luxon';
import type { Order } from '../domain/order.js';
import type { InvalidRow, PreparedBatch, PreparedOrder } from './batches.js';
import { registrationFor, type OrderServiceDeps } from '../services/orders.js';
import type { QueuedSend } from '../queue/promoter.js';
import { applyUnmatchedEvents } from '../services/tracking.js';

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

/** Tracking events that arrived before their order: applied once the order exists. */
async function applyEarlyEvents(deps: OrderServiceDeps, created: PreparedOrder['order'][]): Promise<void> {
  if (created.length === 0) return;
  const waiting = await deps.ledger.numbersWithUnmatchedEvents([...new Set(created.map((o) => o.trackingNumber))]);
  for (const order of created) if (waiting.has(order.trackingNumber)) await applyUnmatchedEvents(deps, toOrder(order));
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
  const writeBatch = deps.ledger.orderBatchWriter();
  const queueDue = options.queueDue;
  const enqueues = new Set<Promise<void>>();
  for await (const batch of batches) {
    summary.rows += batch.rows;
    summary.invalid += batch.invalid.length;
    for (const row of batch.invalid) if (summary.invalidRows.length < keepInvalid) summary.invalidRows.push(row);
    if (batch.valid.length > 0) {
      const at = deps.clock.now().toMillis();
      const queueUntil = queueDue?.accepting() ? at + queueDue.horizonMs : -Infinity;
      const written = await writeBatch(
        batch.valid.map((item) => ({ item, planned: item.planned, provider: registrationFor(deps.tracking, item.order)?.provider ?? null })),
        at,
        queueUntil,
      );
      const queued = written.queued;
      const created = written.created.map((item) => item.order);
      // Known already (an earlier import, or an earlier line of this file): the ledger keeps its data; say so when it differs.
      const conflicts = written.known.flatMap(({ item, row }): InvalidRow[] => {
        const diff = row ? differences({ ...row }, item.order, item.shippedAtGiven) : [];
        return diff.length > 0 ? [{ line: item.line, problems: [`order_id ${JSON.stringify(item.order.orderId)} is already known with other data, kept as it was: ${diff.join('; ')}`] }] : [];
      });
      summary.conflicting += conflicts.length;
      for (const row of conflicts) if (summary.conflicts.length < keepInvalid) summary.conflicts.push(row);
      if (queued.length > 0) {
        const enqueue: Promise<void> = queueDue!.enqueue(queued, at).finally(() => enqueues.delete(enqueue));
        enqueues.add(enqueue);
      }
      await applyEarlyEvents(deps, created);
      summary.imported += created.length;
      summary.alreadyKnown += batch.valid.length - created.length;
      if (enqueues.size >= MAX_ENQUEUES_IN_FLIGHT) await Promise.race(enqueues);
    }
    options.onProgress?.(summary, batch.bytes);
  }
  await Promise.all(enqueues);
  return summary;
}
