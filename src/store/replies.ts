import { and, asc, desc, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { prepared } from './sql.js';
import { disputes, feedback, orders, sends, trackingEvents, type DisputeReason, type FeedbackSource } from './schema.js';

export type FeedbackRow = typeof feedback.$inferSelect;
export type DisputeRow = typeof disputes.$inferSelect;

export interface NewFeedback {
  orderId: string;
  rating: number;
  comment: string | null;
  source: FeedbackSource;
  externalId: string | null;
  leftAt: number;
}

/** Stores one rating; a platform's retry (same source and external id) returns the first row with `duplicate`. */
export function insertFeedback(db: Db, input: NewFeedback, now: number): { row: FeedbackRow; duplicate: boolean } {
  const inserted = db.insert(feedback).values({ ...input, createdAt: now }).onConflictDoNothing().returning().all();
  if (inserted[0]) return { row: inserted[0], duplicate: false };
  const first = db
    .select()
    .from(feedback)
    .where(and(eq(feedback.source, input.source), eq(feedback.externalId, input.externalId ?? '')))
    .get();
  return { row: first!, duplicate: true };
}

/** The order's newest rating, for the thanks letter and previews. */
export function latestFeedback(db: Db, orderId: string): FeedbackRow | undefined {
  return db.select().from(feedback).where(eq(feedback.orderId, orderId)).orderBy(desc(feedback.leftAt), desc(feedback.id)).limit(1).get();
}

/** Whether the order already has its (one) thanks letter, in any state. */
export function hasSend(db: Db, orderId: string, milestone: string): boolean {
  return db.select({ id: sends.id }).from(sends).where(and(eq(sends.orderId, orderId), eq(sends.milestone, milestone))).limit(1).get() !== undefined;
}

export interface LowRating {
  orderId: string;
  store: string;
  buyerName: string;
  buyerEmail: string;
  rating: number;
  comment: string | null;
  leftAt: number;
}

/** Ratings at or below `maxRating` left in [since, until], newest first, optionally for one store. */
export function lowRatings(db: Db, options: { maxRating: number; since: number; until: number; store?: string }): LowRating[] {
  return db
    .select({
      orderId: feedback.orderId,
      store: orders.store,
      buyerName: orders.buyerName,
      buyerEmail: orders.buyerEmail,
      rating: feedback.rating,
      comment: feedback.comment,
      leftAt: feedback.leftAt,
    })
    .from(feedback)
    .innerJoin(orders, eq(orders.orderId, feedback.orderId))
    .where(
      and(
        lte(feedback.rating, options.maxRating),
        gte(feedback.leftAt, options.since),
        lte(feedback.leftAt, options.until),
        options.store ? eq(orders.store, options.store) : undefined,
      ),
    )
    .orderBy(desc(feedback.leftAt), desc(feedback.id))
    .all();
}

export function openDisputeOf(db: Db, orderId: string): DisputeRow | undefined {
  return db.select().from(disputes).where(and(eq(disputes.orderId, orderId), isNull(disputes.closedAt))).orderBy(desc(disputes.seq)).limit(1).get();
}

export function disputeBySeq(db: Db, orderId: string, seq: number): DisputeRow | undefined {
  return db.select().from(disputes).where(and(eq(disputes.orderId, orderId), eq(disputes.seq, seq))).get();
}

function latestDisputeQuery(db: Db) {
  return db.select().from(disputes).where(eq(disputes.orderId, sql.placeholder('orderId'))).orderBy(desc(disputes.seq)).limit(1).prepare();
}

/** The order's latest dispute, open or closed (the worker asks this for every letter: prepared once). */
export function latestDispute(db: Db, orderId: string): DisputeRow | undefined {
  return prepared(db, latestDisputeQuery).get({ orderId });
}

/** Records a new dispute with the next seq for the order. */
export function insertDispute(db: Db, orderId: string, reason: DisputeReason, now: number): DisputeRow {
  const next = db
    .select({ seq: sql<number>`coalesce(max(${disputes.seq}) + 1, 0)` })
    .from(disputes)
    .where(eq(disputes.orderId, orderId))
    .get()!.seq;
  return db.insert(disputes).values({ orderId, seq: next, reason, openedAt: now }).returning().get();
}

/** Closes the order's open disputes; returns how many. */
export function closeDisputes(db: Db, orderId: string, now: number): number {
  return db.update(disputes).set({ closedAt: now }).where(and(eq(disputes.orderId, orderId), isNull(disputes.closedAt))).run().changes;
}

export interface OpenNotReceived {
  orderId: string;
  store: string;
  carrier: string;
  country: string;
  shippedAt: number;
  openedAt: number;
}

/** Open "not received" disputes of undelivered, active orders: the seller should extend protection. */
export function openNotReceivedDisputes(db: Db, store?: string): OpenNotReceived[] {
  return db
    .select({
      orderId: disputes.orderId,
      store: orders.store,
      carrier: orders.carrier,
      country: orders.country,
      shippedAt: orders.shippedAt,
      openedAt: disputes.openedAt,
    })
    .from(disputes)
    .innerJoin(orders, eq(orders.orderId, disputes.orderId))
    .where(
      and(isNull(disputes.closedAt), eq(disputes.reason, 'not_received'), eq(orders.state, 'active'), store ? eq(orders.store, store) : undefined),
    )
    .orderBy(asc(disputes.openedAt))
    .all();
}

export interface StoredScan {
  provider: string;
  providerStatus: string | null;
  milestone: string | null;
  occurredAt: number | null;
  receivedAt: number;
  raw: string;
}

function scansQuery(db: Db) {
  return db
    .select({
      provider: trackingEvents.provider,
      providerStatus: trackingEvents.providerStatus,
      milestone: trackingEvents.milestone,
      occurredAt: trackingEvents.occurredAt,
      receivedAt: trackingEvents.receivedAt,
      raw: trackingEvents.raw,
    })
    .from(trackingEvents)
    .where(eq(trackingEvents.orderId, sql.placeholder('orderId')))
    .orderBy(asc(sql`coalesce(${trackingEvents.occurredAt}, ${trackingEvents.receivedAt})`), asc(trackingEvents.id))
    .prepare();
}

/** Every tracking event matched to the order, oldest first (by when it happened, else when it came). Prepared once: read for every letter. */
export function scansOfOrder(db: Db, orderId: string): StoredScan[] {
  return prepared(db, scansQuery).all({ orderId });
}
