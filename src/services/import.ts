import type Database from 'better-sqlite3';
import { and, eq, getTableName, inArray } from 'drizzle-orm';
import type { DateTime } from 'luxon';
import { validateOrder, type Order } from '../domain/order.js';
import { planSends, type PlannedSend } from '../domain/plan.js';
import type { Db } from '../store/db.js';
import { orders, sends, trackingEvents } from '../store/schema.js';
import type { ImportRow } from './import-csv.js';
import { asColumnProblem } from './import-csv.js';
import type { OrderServiceDeps } from './orders.js';
import type { QueuedSend } from '../queue/promoter.js';
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

interface Valid {
  order: Order;
  planned: PlannedSend[];
}

type Statement = Database.Statement<unknown[]>;

/**
 * Prepared once per import: a drizzle query builder per row costs more than
 * the insert itself. Column names come from the drizzle schema, so the SQL
 * follows it.
 */
function prepareInserts(db: Db): { order: Statement; send: Statement } {
  const orderColumns = [
    orders.orderId, orders.store, orders.buyerName, orders.buyerEmail, orders.buyerLocale, orders.buyerTimezone,
    orders.country, orders.carrier, orders.trackingNumber, orders.shippedAt, orders.state, orders.createdAt, orders.updatedAt,
  ];
  const sendColumns = [
    sends.orderId, sends.milestone, sends.status, sends.reason, sends.dueAt, sends.queuedAt, sends.createdAt, sends.updatedAt,
  ];
  const insert = (table: string, columns: Array<{ name: string }>, tail: string) =>
    db.$client.prepare(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${tail}`,
    );
  return {
    order: insert(getTableName(orders), orderColumns, ' ON CONFLICT DO NOTHING'),
    send: insert(getTableName(sends), sendColumns, ''),
  };
}

/**
 * Writes one batch in one transaction, with the same semantics as insertOrder:
 * a known order (or a repeat within the batch) changes nothing. Returns the
 * orders actually created, and the sends written as queued (due before `queueUntil`).
 */
function writeBatch(
  db: Db,
  statements: { order: Statement; send: Statement },
  batch: Valid[],
  now: number,
  queueUntil: number,
): { created: Order[]; queued: QueuedSend[] } {
  const write = db.$client.transaction(() => {
    const created: Order[] = [];
    const queued: QueuedSend[] = [];
    for (const { order: o, planned } of batch) {
      const inserted = statements.order.run(
        o.orderId, o.store, o.buyerName, o.buyerEmail, o.buyerLocale, o.buyerTimezone,
        o.country, o.carrier, o.trackingNumber, o.shippedAt.toMillis(), o.state, now, now,
      );
      if (inserted.changes === 0) continue;
      for (const p of planned) {
        const dueAt = p.dueAt.toMillis();
        const queue = p.status === 'scheduled' && dueAt <= queueUntil;
        const row = statements.send.run(
          o.orderId, p.milestone, queue ? 'queued' : p.status, p.reason, dueAt, queue ? now : null, now, now,
        );
        if (queue) queued.push({ id: Number(row.lastInsertRowid), dueAt });
      }
      created.push(o);
    }
    return { created, queued };
  });
  return write();
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
  const statements = prepareInserts(deps.db);
  // A bigger page cache for this connection: index pages of a large import stay in memory.
  deps.db.$client.pragma('cache_size = -65536');
  const queueDue = options.queueDue;
  const enqueues = new Set<Promise<void>>();
  const flush = async () => {
    if (batch.length > 0) {
      const at = now.toMillis();
      const queueUntil = queueDue?.accepting() ? at + queueDue.horizonMs : -Infinity;
      const { created, queued } = writeBatch(deps.db, statements, batch, at, queueUntil);
      if (queued.length > 0) {
        const enqueue: Promise<void> = queueDue!.enqueue(queued, at).finally(() => enqueues.delete(enqueue));
        enqueues.add(enqueue);
      }
      applyEarlyEvents(deps, created);
      summary.imported += created.length;
      summary.alreadyKnown += batch.length - created.length;
      batch = [];
      if (enqueues.size >= MAX_ENQUEUES_IN_FLIGHT) await Promise.race(enqueues);
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
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  await Promise.all(enqueues);
  return summary;
}
