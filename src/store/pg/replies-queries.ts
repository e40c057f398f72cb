import { and, asc, desc, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../replies.js';
import type { DisputeRow, FeedbackRow, LowRating, NewFeedback, OpenNotReceived, StoredScan } from '../replies.js';
import type { DisputeReason } from '../schema.js';
import { disputes, feedback, orders, sends, trackingEvents } from '../schema-pg.js';
import type { PgQ } from './queries.js';

/**
 * As SQLite's, a retry's insert does nothing and the first row is read back
 * (after a concurrent first delivery commits). A retry takes an id as SQLite's
 * AUTOINCREMENT does, so the two keep numbering feedback alike.
 */
async function insertFeedback(db: PgQ, input: NewFeedback, now: number): Promise<{ row: FeedbackRow; duplicate: boolean }> {
  const [inserted] = await db.insert(feedback).values({ ...input, createdAt: now }).onConflictDoNothing().returning();
  if (inserted) return { row: inserted, duplicate: false };
  const [first] = await db
    .select()
    .from(feedback)
    .where(and(eq(feedback.source, input.source), eq(feedback.externalId, input.externalId ?? '')))
    .limit(1);
  return { row: first!, duplicate: true };
}

async function latestFeedback(db: PgQ, orderId: string): Promise<FeedbackRow | undefined> {
  const [row] = await db.select().from(feedback).where(eq(feedback.orderId, orderId)).orderBy(desc(feedback.leftAt), desc(feedback.id)).limit(1);
  return row;
}

async function hasSend(db: PgQ, orderId: string, milestone: string): Promise<boolean> {
  const rows = await db.select({ id: sends.id }).from(sends).where(and(eq(sends.orderId, orderId), eq(sends.milestone, milestone))).limit(1);
  return rows.length > 0;
}

function lowRatings(db: PgQ, options: { maxRating: number; since: number; until: number; store?: string }): Promise<LowRating[]> {
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
    .orderBy(desc(feedback.leftAt), desc(feedback.id));
}

async function openDisputeOf(db: PgQ, orderId: string): Promise<DisputeRow | undefined> {
  const [row] = await db.select().from(disputes).where(and(eq(disputes.orderId, orderId), isNull(disputes.closedAt))).orderBy(desc(disputes.seq)).limit(1);
  return row;
}

async function disputeBySeq(db: PgQ, orderId: string, seq: number): Promise<DisputeRow | undefined> {
  const [row] = await db.select().from(disputes).where(and(eq(disputes.orderId, orderId), eq(disputes.seq, seq))).limit(1);
  return row;
}

async function latestDispute(db: PgQ, orderId: string): Promise<DisputeRow | undefined> {
  const [row] = await db.select().from(disputes).where(eq(disputes.orderId, orderId)).orderBy(desc(disputes.seq)).limit(1);
  return row;
}

/**
 * The next seq for the order. SQLite's single writer makes read-then-insert
 * safe; here the order's row is locked first, so two disputes opened at once
 * take seq n and n+1 as they would there, not a unique violation.
 */
function insertDispute(db: PgQ, orderId: string, reason: DisputeReason, now: number): Promise<DisputeRow> {
  return db.transaction(async (tx) => {
    await tx.select({ one: sql`1` }).from(orders).where(eq(orders.orderId, orderId)).for('no key update');
    const [{ seq }] = await tx
      .select({ seq: sql<number>`coalesce(max(${disputes.seq}) + 1, 0)::int` })
      .from(disputes)
      .where(eq(disputes.orderId, orderId));
    const [row] = await tx.insert(disputes).values({ orderId, seq, reason, openedAt: now }).returning();
    return row;
  });
}

async function closeDisputes(db: PgQ, orderId: string, now: number): Promise<number> {
  const result = await db.update(disputes).set({ closedAt: now }).where(and(eq(disputes.orderId, orderId), isNull(disputes.closedAt)));
  return result.rowCount ?? 0;
}

function openNotReceivedDisputes(db: PgQ, store?: string): Promise<OpenNotReceived[]> {
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
    .where(and(isNull(disputes.closedAt), eq(disputes.reason, 'not_received'), eq(orders.state, 'active'), store ? eq(orders.store, store) : undefined))
    // SQLite leaves ties in the order it met them; the dispute's id makes them stable.
    .orderBy(asc(disputes.openedAt), asc(disputes.id));
}

function scansOfOrder(db: PgQ, orderId: string): Promise<StoredScan[]> {
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
    .where(eq(trackingEvents.orderId, orderId))
    .orderBy(asc(sql`coalesce(${trackingEvents.occurredAt}, ${trackingEvents.receivedAt})`), asc(trackingEvents.id));
}

/** PostgreSQL twins of `src/store/replies.ts`. */
export function pgRepliesQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    insertFeedback: (input, now) => insertFeedback(db, input, now),
    latestFeedback: (orderId) => latestFeedback(db, orderId),
    hasSend: (orderId, milestone) => hasSend(db, orderId, milestone),
    lowRatings: (options) => lowRatings(db, options),
    openDisputeOf: (orderId) => openDisputeOf(db, orderId),
    disputeBySeq: (orderId, seq) => disputeBySeq(db, orderId, seq),
    latestDispute: (orderId) => latestDispute(db, orderId),
    insertDispute: (orderId, reason, now) => insertDispute(db, orderId, reason, now),
    closeDisputes: (orderId, now) => closeDisputes(db, orderId, now),
    openNotReceivedDisputes: (store) => openNotReceivedDisputes(db, store),
    scansOfOrder: (orderId) => scansOfOrder(db, orderId),
  };
}
