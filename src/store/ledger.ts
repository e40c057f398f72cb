import { and, asc, eq, getTableColumns, getTableName, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { DELAY_STAGE_LIMIT } from '../domain/delay.js';
import type { Milestone } from '../domain/milestones.js';
import type { Order, OrderState } from '../domain/order.js';
import type { PlannedSend, SkipReason } from '../domain/plan.js';
import type { Db } from './db.js';
import { insertSql, prepared } from './sql.js';
import { pendingRegistration, requestStop, type NewRegistration } from './registrations.js';
import { orders, sends, suppressions, trackingRegistrations, type SendStatus } from './schema.js';
import { emailKey } from '../domain/identifiers.js';
import { OPTIONAL_LETTERS } from '../domain/unsubscribe.js';

export type OrderRow = typeof orders.$inferSelect;

/** The table's columns in schema order, and a mapper from a raw row (array) to Drizzle's `$inferSelect` shape. */
function columnsOf<T>(table: typeof sends | typeof orders): { sql: string; row(values: unknown[]): T } {
  const entries = Object.entries(getTableColumns(table));
  const keys = entries.map(([key]) => key);
  return {
    sql: entries.map(([, column]) => `"${column.name}"`).join(', '),
    row(values) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) row[keys[i]] = values[i];
      return row as T;
    },
  };
}

/** A one-row statement in raw (array) mode, mapped by `columns`: better-sqlite3 builds wide row objects ~3x slower. */
function oneRow<P extends object, T>(statement: Database.Statement<[P], unknown[]>, columns: { row(values: unknown[]): T }) {
  const raw = statement.raw(true);
  return {
    get(params: P): T | undefined {
      const values = raw.get(params) as unknown[] | undefined;
      return values ? columns.row(values) : undefined;
    },
  };
}

/**
 * The worker's hot-path statements, prepared once per connection on
 * better-sqlite3 itself: building a Drizzle query costs ~120 µs, and Drizzle's
 * row mapping more than these primary-key reads. Table and column names come
 * from the Drizzle schema, so the SQL follows it (all columns are plain
 * integers and text, which need no conversion). Whole rows come back as arrays,
 * mapped to objects here: 5 µs a row instead of 13.
 */
function prepareStatements(db: Db) {
  const c = db.$client;
  const S = getTableName(sends);
  const O = getTableName(orders);
  const col = (column: { name: string }) => `"${column.name}"`;
  const sendColumns = columnsOf<SendRow>(sends);
  const orderColumns = columnsOf<OrderRow>(orders);
  return {
    getSend: oneRow(c.prepare<[{ id: number }], unknown[]>(`SELECT ${sendColumns.sql} FROM "${S}" WHERE ${col(sends.id)} = @id`), sendColumns),
    getOrder: oneRow(
      c.prepare<[{ orderId: string }], unknown[]>(`SELECT ${orderColumns.sql} FROM "${O}" WHERE ${col(orders.orderId)} = @orderId`),
      orderColumns,
    ),
    sentMilestones: c.prepare<{ orderId: string }, { milestone: string }>(
      `SELECT ${col(sends.milestone)} AS milestone FROM "${S}" WHERE ${col(sends.orderId)} = @orderId AND ${col(sends.status)} = 'sent'`,
    ),
    suppression: c.prepare<{ email: string }, { scope: string }>(
      `SELECT ${col(suppressions.scope)} AS scope FROM "${getTableName(suppressions)}" WHERE ${col(suppressions.email)} = @email`,
    ),
    claim: oneRow(
      c.prepare<[{ id: number; now: number; expiredBefore: number }], unknown[]>(
        `UPDATE "${S}" SET ${col(sends.status)} = 'sending', ${col(sends.attempts)} = ${col(sends.attempts)} + 1, ` +
          `${col(sends.claimedAt)} = @now, ${col(sends.updatedAt)} = @now ` +
          `WHERE ${col(sends.id)} = @id AND (${col(sends.status)} IN ('scheduled', 'queued') ` +
          `OR (${col(sends.status)} = 'sending' AND ${col(sends.claimedAt)} < @expiredBefore)) RETURNING ${sendColumns.sql}`,
      ),
      sendColumns,
    ),
    recordSent: c.prepare<{ id: number; now: number } & SentFacts>(
      `UPDATE "${S}" SET ${col(sends.status)} = 'sent', ${col(sends.messageId)} = @messageId, ${col(sends.smtpResponse)} = @smtpResponse, ` +
        `${col(sends.subject)} = @subject, ${col(sends.template)} = @template, ${col(sends.locale)} = @locale, ` +
        `${col(sends.sentAt)} = @now, ${col(sends.error)} = NULL, ${col(sends.updatedAt)} = @now ` +
        `WHERE ${col(sends.id)} = @id AND ${col(sends.status)} = 'sending'`,
    ),
  };
}

function statements(db: Db) {
  return prepared(db, prepareStatements);
}
export type SendRow = typeof sends.$inferSelect;

/** Statuses a send can still move out of by itself. */
export const PENDING_STATUSES: SendStatus[] = ['scheduled', 'queued', 'sending'];

export function orderFromRow(row: OrderRow): Order {
  return {
    orderId: row.orderId,
    store: row.store,
    buyerName: row.buyerName,
    buyerEmail: row.buyerEmail,
    buyerChannelId: row.buyerChannelId,
    buyerLocale: row.buyerLocale,
    buyerTimezone: row.buyerTimezone,
    country: row.country,
    carrier: row.carrier,
    trackingNumber: row.trackingNumber,
    shippedAt: DateTime.fromMillis(row.shippedAt, { zone: 'utc' }),
    state: row.state as OrderState,
  };
}

function sendValues(orderId: string, planned: PlannedSend, now: number) {
  return {
    orderId,
    milestone: planned.milestone,
    status: planned.status,
    reason: planned.reason,
    dueAt: planned.dueAt.toMillis(),
    createdAt: now,
    updatedAt: now,
  } as const;
}

/**
 * Records a new order with its planned sends in one transaction.
 * An order already known changes nothing: entering it twice schedules nothing new.
 */
export function insertOrder(db: Db, order: Order, planned: PlannedSend[], now: number, registration: NewRegistration | null = null): { created: boolean } {
  return db.transaction((tx) => {
    const inserted = tx
      .insert(orders)
      .values({
        orderId: order.orderId,
        store: order.store,
        buyerName: order.buyerName,
        buyerEmail: order.buyerEmail,
        buyerChannelId: order.buyerChannelId ?? null,
        buyerLocale: order.buyerLocale,
        buyerTimezone: order.buyerTimezone,
        country: order.country,
        carrier: order.carrier,
        trackingNumber: order.trackingNumber,
        shippedAt: order.shippedAt.toMillis(),
        state: order.state,
        // The delay watch looks at it once soon, and from then on only when a notice could fall due.
        watchAt: order.state === 'active' ? order.shippedAt.toMillis() : null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .run();
    if (inserted.changes === 0) return { created: false };
    if (planned.length > 0) tx.insert(sends).values(planned.map((p) => sendValues(order.orderId, p, now))).run();
    // The outbox: registered with the tracking provider by the tracking.sync job, never lost with a crash.
    if (registration) tx.insert(trackingRegistrations).values(pendingRegistration(registration, now)).onConflictDoNothing().run();
    return { created: true };
  });
}

/** Adds one send for an event milestone; false when the order already has that milestone. */
export function insertSend(db: Db, orderId: string, planned: PlannedSend, now: number): SendRow | null {
  const rows = db.insert(sends).values(sendValues(orderId, planned, now)).onConflictDoNothing().returning().all();
  return rows[0] ?? null;
}

export function getOrder(db: Db, orderId: string): OrderRow | undefined {
  return statements(db).getOrder.get({ orderId });
}

export function getSend(db: Db, id: number): SendRow | undefined {
  return statements(db).getSend.get({ id });
}

export function sendsOfOrder(db: Db, orderId: string): SendRow[] {
  return db.select().from(sends).where(eq(sends.orderId, orderId)).orderBy(asc(sends.dueAt), asc(sends.id)).all();
}

export function sentMilestones(db: Db, orderId: string): Milestone[] {
  return statements(db)
    .sentMilestones.all({ orderId })
    .map((r) => r.milestone as Milestone);
}

/** A scheduled row the promoter looks at, with what its staleness depends on (milestone, the order's lane and store). */
export interface DueSend {
  id: number;
  dueAt: number;
  milestone: string;
  resendOf: number | null;
  carrier: string;
  country: string;
  store: string;
}

function dueForPromotionStatement(d: Db) {
  return d.$client.prepare<[number, number], DueSend>(
    `SELECT s.id AS id, s.due_at AS dueAt, s.milestone AS milestone, s.resend_of AS resendOf, o.carrier AS carrier, o.country AS country, o.store AS store
     FROM sends s INDEXED BY sends_status_due_idx JOIN orders o ON o.order_id = s.order_id
     WHERE s.status = 'scheduled' AND s.due_at <= ? ORDER BY s.due_at LIMIT ?`,
  );
}

/**
 * Scheduled rows due before `until`, oldest first: what the promoter puts
 * into Redis next. Pinned to the (status, due_at) index: with sends(due_at)
 * beside it SQLite may walk every send in due order instead, and a promoter
 * tick then costs the whole backlog.
 */
export function dueForPromotion(db: Db, until: number, limit: number): DueSend[] {
  const statement = prepared(db, dueForPromotionStatement);
  return statement.all(until, limit);
}

/** Records scheduled rows as skipped `stale` in one statement: they never become jobs. */
export function skipStale(db: Db, ids: readonly number[], now: number): number {
  if (ids.length === 0) return 0;
  return db
    .update(sends)
    .set({ status: 'skipped', reason: 'stale', updatedAt: now })
    .where(and(inArray(sends.id, [...ids]), statusIs('scheduled')))
    .run().changes;
}

/**
 * `status` compared through unary `+`: without it SQLite picks the status index
 * and scans every scheduled row once per batch (quadratic in a large import);
 * with it, each id is a primary-key lookup.
 */
const statusIs = (status: SendStatus) => sql`+${sends.status} = ${status}`;

export function markQueued(db: Db, ids: number[], now: number): number[] {
  if (ids.length === 0) return [];
  return db
    .update(sends)
    .set({ status: 'queued', queuedAt: now, updatedAt: now })
    .where(and(inArray(sends.id, ids), statusIs('scheduled')))
    .returning({ id: sends.id })
    .all()
    .map((r) => r.id);
}

export function markScheduled(db: Db, ids: number[], now: number): void {
  if (ids.length === 0) return;
  db.update(sends)
    .set({ status: 'scheduled', queuedAt: null, updatedAt: now })
    .where(and(inArray(sends.id, ids), statusIs('queued')))
    .run();
}

/**
 * The atomic claim: one conditional update. Zero rows means another worker has
 * it, or it was cancelled or finished. A `sending` claim older than the lease is
 * taken over (its worker died mid-send).
 */
export function claimSend(db: Db, id: number, now: number, leaseMs: number): SendRow | null {
  return statements(db).claim.get({ id, now, expiredBefore: now - leaseMs }) ?? null;
}

export interface SentFacts {
  messageId: string;
  smtpResponse: string;
  subject: string;
  template: string;
  locale: string;
}

export function recordSent(db: Db, id: number, facts: SentFacts, now: number): void {
  statements(db).recordSent.run({ id, now, ...facts });
}

/** A note on a claimed row that stays claimed (sent but not yet recorded). */
export function noteUnrecorded(db: Db, id: number, note: string, now: number): void {
  db.update(sends).set({ error: note, updatedAt: now }).where(and(eq(sends.id, id), eq(sends.status, 'sending'))).run();
}

/** A sending row goes back to queued after a transient failure; BullMQ retries it. */
export function releaseClaim(db: Db, id: number, error: string, now: number): void {
  db.update(sends)
    .set({ status: 'queued', error, claimedAt: null, updatedAt: now })
    .where(and(eq(sends.id, id), eq(sends.status, 'sending')))
    .run();
}

export function recordFailed(db: Db, id: number, error: string, now: number, facts: Partial<SentFacts> = {}): void {
  db.update(sends)
    .set({ ...facts, status: 'failed', error, updatedAt: now })
    .where(and(eq(sends.id, id), inArray(sends.status, PENDING_STATUSES)))
    .run();
}

export function recordSkip(db: Db, id: number, reason: SkipReason, now: number): boolean {
  return (
    db
      .update(sends)
      .set({ status: 'skipped', reason, updatedAt: now })
      .where(and(eq(sends.id, id), inArray(sends.status, ['scheduled', 'queued'])))
      .run().changes > 0
  );
}

export function recordCancelled(db: Db, id: number, reason: string, now: number): boolean {
  return (
    db
      .update(sends)
      .set({ status: 'cancelled', reason, updatedAt: now })
      .where(and(eq(sends.id, id), inArray(sends.status, ['scheduled', 'queued'])))
      .run().changes > 0
  );
}

/** What a decision read of a send row: a write conditioned on it fails if the row changed since. */
export interface RowVersion {
  dueAt: number;
  updatedAt: number;
}

/**
 * Moves a send to a later due time; beyond the horizon it waits in SQLite again.
 * With `read`, only while the row is as the decision read it (same due time,
 * same last change): a dispute closed meanwhile moved it, and a hold decided
 * before must not undo that. Returns whether the row moved.
 */
export function reschedule(db: Db, id: number, dueAt: number, status: 'scheduled' | 'queued', now: number, read?: RowVersion): boolean {
  return (
    db
      .update(sends)
      .set({ status, dueAt, updatedAt: now })
      .where(and(eq(sends.id, id), inArray(sends.status, ['scheduled', 'queued']), read ? and(eq(sends.dueAt, read.dueAt), eq(sends.updatedAt, read.updatedAt)) : undefined))
      .run().changes > 0
  );
}

/** Cancels the order and every message still pending; returns the cancelled send ids. */
export function cancelOrder(db: Db, orderId: string, reason: string, now: number): number[] {
  return db.transaction((tx) => {
    tx.update(orders).set({ state: 'cancelled', stateReason: reason, updatedAt: now }).where(eq(orders.orderId, orderId)).run();
    requestStop(tx as unknown as Db, orderId, now);
    return tx
      .update(sends)
      .set({ status: 'cancelled', reason, updatedAt: now })
      .where(and(eq(sends.orderId, orderId), inArray(sends.status, ['scheduled', 'queued'])))
      .returning({ id: sends.id })
      .all()
      .map((r) => r.id);
  });
}

/** The suppression scope that blocks a milestone: hard bounces and complaints block all, an unsubscribe the optional letters (review requests, delay notices). */
export function isSuppressed(db: Db, email: string, milestone: Milestone): boolean {
  const row = statements(db).suppression.get({ email: emailKey(email) });
  if (!row) return false;
  return row.scope === 'all' || OPTIONAL_LETTERS.has(milestone);
}

export function suppress(db: Db, email: string, scope: 'all' | 'review', reason: string, now: number): void {
  db.insert(suppressions)
    .values({ email: emailKey(email), scope, reason, createdAt: now })
    .onConflictDoUpdate({
      target: suppressions.email,
      // A hard bounce widens an unsubscribe; an unsubscribe never narrows a hard bounce.
      set: { scope: sql`CASE WHEN ${suppressions.scope} = 'all' THEN 'all' ELSE excluded.scope END`, reason },
    })
    .run();
}

/** Rows the reconciler looks at: queued (their job may be gone) and claims past the lease. */
export function queuedSends(db: Db, after: { dueAt: number; id: number } | null, limit: number): Pick<SendRow, 'id' | 'dueAt'>[] {
  // Keyset on (due_at, id), the order of sends_status_due_idx: each page is a range of that index. Paging by id
  // alone made SQLite sort every queued row for every page (quadratic in a 275,000-row backlog).
  return db
    .select({ id: sends.id, dueAt: sends.dueAt })
    .from(sends)
    .where(and(eq(sends.status, 'queued'), after ? sql`(${sends.dueAt}, ${sends.id}) > (${after.dueAt}, ${after.id})` : undefined))
    .orderBy(asc(sends.dueAt), asc(sends.id))
    .limit(limit)
    .all();
}

export function releaseExpiredClaims(db: Db, now: number, leaseMs: number): number[] {
  return db
    .update(sends)
    .set({ status: 'queued', claimedAt: null, error: 'claim expired (worker stopped mid-send)', updatedAt: now })
    .where(and(eq(sends.status, 'sending'), or(isNull(sends.claimedAt), lt(sends.claimedAt, now - leaseMs))))
    .returning({ id: sends.id })
    .all()
    .map((r) => r.id);
}

/** Active orders short of the post office whose delay check has come (watch_at passed), oldest first. */
export function ordersToWatch(db: Db, now: number, limit: number): OrderRow[] {
  return db
    .select()
    .from(orders)
    .where(and(lte(orders.watchAt, now), eq(orders.state, 'active'), lt(orders.stageRank, DELAY_STAGE_LIMIT)))
    .orderBy(asc(orders.watchAt))
    .limit(limit)
    .all();
}

/** Due times of each order's delay notices (first sends only, any status). */
export function delayNoticeTimes(db: Db, orderIds: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < orderIds.length; i += 500) {
    const rows = db
      .select({ orderId: sends.orderId, dueAt: sends.dueAt })
      .from(sends)
      .where(and(inArray(sends.orderId, orderIds.slice(i, i + 500)), eq(sends.milestone, 'delay'), isNull(sends.resendOf)))
      .all();
    for (const r of rows) out.set(r.orderId, [...(out.get(r.orderId) ?? []), r.dueAt]);
  }
  return out;
}

/** When the delay watch next looks at each order (null: never). One transaction. */
export function setWatchAt(db: Db, next: ReadonlyArray<{ orderId: string; at: number | null }>): void {
  if (next.length === 0) return;
  const statement = db.$client.prepare(`UPDATE "${getTableName(orders)}" SET "${orders.watchAt.name}" = ? WHERE "${orders.orderId.name}" = ?`);
  db.$client.transaction(() => {
    for (const n of next) statement.run(n.at, n.orderId);
  })();
}


function ruleInsertStatement(d: Db): Database.Statement<unknown[]> {
  const columns = [sends.orderId, sends.milestone, sends.seq, sends.status, sends.reason, sends.dueAt, sends.createdAt, sends.updatedAt];
  return d.$client.prepare(insertSql(getTableName(sends), columns, ' ON CONFLICT DO NOTHING'));
}

/**
 * Inserts rule sends (delay notices) for many orders in one transaction with
 * one prepared statement: the watch may schedule thousands at once, and a
 * query built per row cost more than the row. Returns which were new.
 */
export function insertRuleSends(db: Db, rows: ReadonlyArray<{ orderId: string; planned: PlannedSend }>, now: number): boolean[] {
  const insert = prepared(db, ruleInsertStatement);
  return db.$client.transaction(() =>
    rows.map(({ orderId, planned: p }) => insert.run(orderId, p.milestone, p.seq ?? 0, p.status, p.reason, p.dueAt.toMillis(), now, now).changes > 0),
  )();
}

/** Runs several ledger writes as one unit: all or none. */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(() => fn());
}

/** A deliberate resend of `original`: a new row linked to it, due now. */
export function insertResend(db: Db, original: Pick<SendRow, 'id' | 'orderId' | 'milestone'>, now: number): SendRow {
  return db
    .insert(sends)
    .values({ orderId: original.orderId, milestone: original.milestone, resendOf: original.id, status: 'scheduled', dueAt: now, createdAt: now, updatedAt: now })
    .returning()
    .get();
}

/** Inserts a rule send (delay notice, pickup reminder) with its seq; null when that seq already exists. */
export function insertRuleSend(db: Db, orderId: string, planned: PlannedSend, now: number): SendRow | null {
  const rows = db
    .insert(sends)
    .values({
      orderId,
      milestone: planned.milestone,
      seq: planned.seq ?? 0,
      status: planned.status,
      reason: planned.reason,
      dueAt: planned.dueAt.toMillis(),
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning()
    .all();
  return rows[0] ?? null;
}

/** Cancels an order's pending sends of these milestones (delivery or return made them pointless); returns their ids. */
export function cancelPending(db: Db, orderId: string, milestones: readonly Milestone[], reason: string, now: number): number[] {
  return db
    .update(sends)
    .set({ status: 'cancelled', reason, updatedAt: now })
    .where(and(eq(sends.orderId, orderId), inArray(sends.milestone, [...milestones]), inArray(sends.status, ['scheduled', 'queued'])))
    .returning({ id: sends.id })
    .all()
    .map((r) => r.id);
}

/** Marks an order as in dispute since `disputedAt`, or out of dispute (null). */
export function setDisputedAt(db: Db, orderId: string, disputedAt: number | null, now: number): void {
  db.update(orders).set({ disputedAt, updatedAt: now }).where(eq(orders.orderId, orderId)).run();
}

/**
 * Moves an order's held review request (its first day14, still pending) to
 * `dueAt`; returns how many moved. A queued one too: its job fires within the
 * horizon and finds the new time, and a worker deciding to hold it meanwhile
 * finds the row changed (reschedule's `read`) and decides again.
 */
export function releaseHeldReview(db: Db, orderId: string, dueAt: number, now: number): number {
  return db
    .update(sends)
    .set({ dueAt, updatedAt: now })
    .where(and(eq(sends.orderId, orderId), eq(sends.milestone, 'day14'), isNull(sends.resendOf), inArray(sends.status, ['scheduled', 'queued'])))
    .returning({ id: sends.id })
    .all().length;
}
