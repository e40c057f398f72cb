import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { asciiUpper } from '../../domain/identifiers.js';
import type { NormalizedEvent } from '../../domain/tracking-status.js';
import type { Ledger, QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../tracking.js';
import { occurredMillis, type EventSource, type StoreResult, type TrackingEventRow } from '../tracking.js';
import { orders, trackingEvents } from '../schema-pg.js';
import type { PgQ } from './queries.js';

const T = trackingEvents;

/** SQLite's ascending order puts NULL first; PostgreSQL's puts it last unless told. */
const nullsFirst = (column: AnyPgColumn) => sql`${column} ASC NULLS FIRST`;

/**
 * Inserted unless a row has the event's key; the existing row's id otherwise.
 * A duplicate takes an identity value as it takes an AUTOINCREMENT value on
 * SQLite (the id is drawn before the conflict is found), so ids stay in step.
 */
async function storeEvent(db: PgQ, event: NormalizedEvent, raw: string, now: number, source: EventSource): Promise<StoreResult> {
  const trackingNumber = asciiUpper(event.trackingNumber);
  const [inserted] = await db
    .insert(T)
    .values({
      provider: event.provider,
      dedupKey: event.dedupKey,
      trackingNumber,
      carrier: event.carrier,
      providerStatus: event.providerStatus,
      milestone: event.outcome,
      occurredAt: occurredMillis(event.occurredAt, now),
      receivedAt: now,
      source,
      raw,
    })
    .onConflictDoNothing()
    .returning({ id: T.id });
  if (inserted) return { stored: true, id: inserted.id };
  // Stored before, or by a concurrent delivery: ON CONFLICT waited for its commit, so this sees it.
  const [existing] = await db
    .select({ id: T.id })
    .from(T)
    .where(and(eq(T.trackingNumber, trackingNumber), eq(T.provider, event.provider), eq(T.dedupKey, event.dedupKey)));
  return { stored: false, duplicateOf: existing?.id ?? 0 };
}

function recordEvents(db: PgQ, events: readonly NormalizedEvent[], raw: string, now: number, source: EventSource): Promise<StoreResult[]> {
  // All or none, as on SQLite: a retry of the delivery finds them all missing.
  return db.transaction(async (tx) => {
    const out: StoreResult[] = [];
    for (const event of events) out.push(await storeEvent(tx, event, raw, now, source));
    return out;
  });
}

/** PostgreSQL twins of `src/store/tracking.ts`. */
export function pgTrackingQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    async firstEventAt(orderId, milestone) {
      const [row] = await db
        .select({ occurredAt: T.occurredAt })
        .from(T)
        .where(and(eq(T.orderId, orderId), eq(T.milestone, milestone)))
        .orderBy(nullsFirst(T.occurredAt))
        .limit(1);
      return row?.occurredAt ?? null;
    },

    async eventsForOrder(orderId, trackingNumber) {
      return (await db
        .select()
        .from(T)
        .where(or(eq(T.orderId, orderId), and(eq(T.trackingNumber, trackingNumber), isNull(T.orderId))))
        .orderBy(sql`coalesce(${T.occurredAt}, 0)`, asc(T.id))) as TrackingEventRow[];
    },

    recordTrackingEvent: (event, raw, now, source = 'push') => storeEvent(db, event, raw, now, source),

    recordTrackingEvents: (events, raw, now, source = 'push') => recordEvents(db, events, raw, now, source),

    async unprocessedEvents(ids) {
      if (ids.length === 0) return [];
      // SQLite walks an IN list on the rowid in ascending order.
      const rows = await db
        .select({ id: T.id })
        .from(T)
        .where(and(inArray(T.id, [...ids]), isNull(T.processedAt)))
        .orderBy(asc(T.id));
      return rows.map((r) => r.id);
    },

    async getTrackingEvent(id) {
      // Locked for the caller's transaction (applyStoredEvent): a second worker applying the same
      // event waits, then finds it applied. Outside a transaction the lock ends with the statement.
      const [row] = await db.select().from(T).where(eq(T.id, id)).limit(1).for('update');
      return row as TrackingEventRow | undefined;
    },

    async markEventApplied(id, orderId, outcome, now) {
      await db.update(T).set({ orderId, processedAt: now, outcome }).where(eq(T.id, id));
    },

    async ordersWithTrackingNumber(trackingNumber) {
      // SQLite breaks ties in entry (rowid) order; PostgreSQL has none, so the order id decides.
      return db
        .select()
        .from(orders)
        .where(eq(orders.trackingNumber, asciiUpper(trackingNumber)))
        .orderBy(asc(orders.createdAt), sql`${orders.orderId} COLLATE "C"`)
        // Two events of one parcel applied at once move its order one after the other, as SQLite's single writer does.
        .for('update');
    },

    async unmatchedEventIds(trackingNumber) {
      // SQLite reads them through the (number, provider, dedup key) index, then sorts by time, stably.
      const rows = await db
        .select({ id: T.id })
        .from(T)
        .where(and(eq(T.trackingNumber, trackingNumber), eq(T.outcome, 'unmatched')))
        .orderBy(sql`coalesce(${T.occurredAt}, 0)`, sql`${T.provider} COLLATE "C"`, sql`${T.dedupKey} COLLATE "C"`);
      return rows.map((r) => r.id);
    },

    async unappliedEventIds(receivedBy, limit) {
      const rows = await db
        .select({ id: T.id })
        .from(T)
        .where(and(isNull(T.processedAt), lte(T.receivedAt, receivedBy)))
        .orderBy(nullsFirst(T.occurredAt), asc(T.id))
        .limit(limit);
      return rows.map((r) => r.id);
    },

    async finishOrder(orderId, state, stageRank, at, now) {
      await db.update(orders).set({ state, stateReason: state, stageRank, lastEventAt: at, watchAt: null, updatedAt: now }).where(eq(orders.orderId, orderId));
    },

    async advanceOrderStage(orderId, stageRank, at, now) {
      await db
        .update(orders)
        .set({ stageRank, lastEventAt: sql`greatest(coalesce(${orders.lastEventAt}, 0), ${at}::bigint)`, watchAt: now, updatedAt: now })
        .where(eq(orders.orderId, orderId));
    },

    async noteOrderNews(orderId, at, now) {
      await db
        .update(orders)
        .set({ lastEventAt: at, watchAt: now, updatedAt: now })
        .where(and(eq(orders.orderId, orderId), eq(orders.state, 'active'), or(isNull(orders.lastEventAt), lt(orders.lastEventAt, at))));
    },

    async noteOrderException(orderId, at, now) {
      await db
        .update(orders)
        .set({ exceptionAt: sql`greatest(coalesce(${orders.exceptionAt}, 0), ${at}::bigint)`, updatedAt: now })
        .where(and(eq(orders.orderId, orderId), eq(orders.state, 'active')));
    },
  };
}

/**
 * Stores webhook deliveries' events as they arrive. Each delivery is its own
 * transaction (all or none): PostgreSQL commits concurrent ones side by side,
 * so there is no group commit to gain from.
 */
export function pgTrackingEventWriter(db: PgQ, clock: () => number): ReturnType<Ledger['trackingEventWriter']> {
  return async (events, raw) => (events.length === 0 ? [] : recordEvents(db, events, raw, clock(), 'push'));
}
