import { and, asc, eq, getTableName, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { asciiUpper } from '../domain/identifiers.js';
import { parseIsoMillis } from '../domain/iso-time.js';
import type { NormalizedEvent } from '../domain/tracking-status.js';
import type { Db } from './db.js';
import { groupCommit } from './group-commit.js';
import { assertLedgerFile } from './ledger-file.js';
import type { OrderRow } from './ledger.js';
import { insertSql, prepared } from './sql.js';
import { orders, trackingEvents } from './schema.js';

function firstEventStatement(db: Db) {
  return db
    .select({ occurredAt: trackingEvents.occurredAt })
    .from(trackingEvents)
    .where(and(eq(trackingEvents.orderId, sql.placeholder('orderId')), eq(trackingEvents.milestone, sql.placeholder('milestone'))))
    .orderBy(asc(trackingEvents.occurredAt))
    .limit(1)
    .prepare();
}

/** When the order first reached a milestone according to tracking, for "handed to customs on ...". */
export function firstEventAt(db: Db, orderId: string, milestone: string): number | null {
  return prepared(db, firstEventStatement).get({ orderId, milestone })?.occurredAt ?? null;
}

export type TrackingEventRow = typeof trackingEvents.$inferSelect;

/** Events linked to the order, plus ones for its tracking number still waiting for a match (never one matched to another order). */
export function eventsForOrder(db: Db, orderId: string, trackingNumber: string): TrackingEventRow[] {
  // Two indexed lookups rather than one OR, which SQLite may answer with a scan of every event.
  const linked = db.select().from(trackingEvents).where(eq(trackingEvents.orderId, orderId)).all();
  const waiting = db
    .select()
    .from(trackingEvents)
    .where(and(eq(trackingEvents.trackingNumber, trackingNumber), isNull(trackingEvents.orderId)))
    .all();
  return [...linked, ...waiting].sort((a, b) => (a.occurredAt ?? 0) - (b.occurredAt ?? 0) || a.id - b.id);
}

/** How an event reached us: pushed by the provider's webhook, or fetched by the poll. */
export type EventSource = 'push' | 'poll';

export type StoreResult = { stored: true; id: number } | { stored: false; duplicateOf: number };

/**
 * When it happened, in ms. Never later than now: carrier-local times without
 * an offset can read hours ahead, and a future time would delay the message.
 */
export function occurredMillis(occurredAt: string | null, now: number): number {
  const at = occurredAt ? parseIsoMillis(occurredAt) : NaN;
  return Number.isFinite(at) ? Math.min(at, now) : now;
}


/**
 * Prepared once per connection, on better-sqlite3 directly: webhooks store
 * events at request rate, and Drizzle's row mapping cost more than the insert.
 * Column names come from the Drizzle schema, so the SQL follows it.
 */
function prepareEventStatements(db: Db) {
  const t = trackingEvents;
  const columns = [t.provider, t.dedupKey, t.trackingNumber, t.carrier, t.providerStatus, t.milestone, t.occurredAt, t.receivedAt, t.source, t.raw];
  const table = getTableName(t);
  return {
    // run() rather than RETURNING: changes and the new rowid come back without a result row.
    insert: db.$client.prepare<unknown[]>(insertSql(table, columns, ' ON CONFLICT DO NOTHING')),
    existing: db.$client.prepare<unknown[], { id: number }>(
      `SELECT "${t.id.name}" AS id FROM "${table}" WHERE "${t.trackingNumber.name}" = ? AND "${t.provider.name}" = ? AND "${t.dedupKey.name}" = ?`,
    ),
  };
}


/** Stores an event durably, once per provider event (dedup key, for its tracking number). The raw body is kept as received. */
export function recordTrackingEvent(db: Db, event: NormalizedEvent, raw: string, now: number, source: EventSource = 'push'): StoreResult {
  // Webhooks store events at request rate: statements are prepared once per connection.
  const statements = prepared(db, prepareEventStatements);
  const trackingNumber = asciiUpper(event.trackingNumber);
  const inserted = statements.insert.run(
    event.provider,
    event.dedupKey,
    trackingNumber,
    event.carrier,
    event.providerStatus,
    event.outcome,
    occurredMillis(event.occurredAt, now),
    now,
    source,
    raw,
  );
  if (inserted.changes === 1) return { stored: true, id: Number(inserted.lastInsertRowid) };
  const existing = statements.existing.get(trackingNumber, event.provider, event.dedupKey);
  return { stored: false, duplicateOf: existing?.id ?? 0 };
}

/** Stores the events of one webhook delivery together: all or none, so a retry finds them all missing. */
export function recordTrackingEvents(db: Db, events: readonly NormalizedEvent[], raw: string, now: number, source: EventSource = 'push'): StoreResult[] {
  return db.transaction(() => events.map((event) => recordTrackingEvent(db, event, raw, now, source)));
}

/**
 * Group commit for webhooks: deliveries arriving in the same tick are stored
 * in one SQLite transaction (one WAL commit instead of one per request), each
 * in its own savepoint, so each delivery stays all-or-none. A failed commit
 * fails every delivery in it, and each answers 503 so its provider retries.
 */
export function trackingEventWriter(
  db: Db,
  clock: () => number,
  gate?: (flush: () => void) => void,
): (events: readonly NormalizedEvent[], raw: string) => Promise<StoreResult[]> {
  // Never acknowledge into a ledger file that was removed or replaced under us.
  const commit = groupCommit(db, { beforeCommit: () => assertLedgerFile(db), gate });
  return (events, raw) => commit(() => {
    const now = clock();
    return events.map((event) => recordTrackingEvent(db, event, raw, now));
  });
}

/** Which of these events nobody applied yet: a provider's retry hands them to the queue again. */
export function unprocessedEvents(db: Db, ids: readonly number[]): number[] {
  if (ids.length === 0) return [];
  return db
    .select({ id: trackingEvents.id })
    .from(trackingEvents)
    .where(and(inArray(trackingEvents.id, [...ids]), isNull(trackingEvents.processedAt)))
    .all()
    .map((r) => r.id);
}


/** One stored event, or undefined. */
export function getTrackingEvent(db: Db, id: number): TrackingEventRow | undefined {
  return db.select().from(trackingEvents).where(eq(trackingEvents.id, id)).get();
}

/** Records what applying an event did, and the order it was matched to (null: none). */
export function markEventApplied(db: Db, id: number, orderId: string | null, outcome: string, now: number): void {
  db.update(trackingEvents).set({ orderId, processedAt: now, outcome }).where(eq(trackingEvents.id, id)).run();
}

/** The orders carrying a tracking number (normalised), oldest entered first: numbers are reused. */
export function ordersWithTrackingNumber(db: Db, trackingNumber: string): OrderRow[] {
  return db.select().from(orders).where(eq(orders.trackingNumber, asciiUpper(trackingNumber))).orderBy(asc(orders.createdAt)).all();
}

/** Ids of the events for a tracking number that found no order yet, oldest occurrence first. */
export function unmatchedEventIds(db: Db, trackingNumber: string): number[] {
  return db
    .select({ id: trackingEvents.id, occurredAt: trackingEvents.occurredAt })
    .from(trackingEvents)
    .where(and(eq(trackingEvents.trackingNumber, trackingNumber), eq(trackingEvents.outcome, 'unmatched')))
    .all()
    .sort((a, b) => (a.occurredAt ?? 0) - (b.occurredAt ?? 0))
    .map((r) => r.id);
}

/** Ids of events received by `receivedBy` and never applied, oldest occurrence first. */
export function unappliedEventIds(db: Db, receivedBy: number, limit: number): number[] {
  return db
    .select({ id: trackingEvents.id })
    .from(trackingEvents)
    .where(and(isNull(trackingEvents.processedAt), lte(trackingEvents.receivedAt, receivedBy)))
    .orderBy(asc(trackingEvents.occurredAt), asc(trackingEvents.id))
    .limit(limit)
    .all()
    .map((r) => r.id);
}

/** A delivered or returned parcel: the order leaves the watch with its final state and stage. */
export function finishOrder(db: Db, orderId: string, state: 'delivered' | 'returned', stageRank: number, at: number, now: number): void {
  db.update(orders)
    .set({ state, stateReason: state, stageRank, lastEventAt: at, watchAt: null, updatedAt: now })
    .where(eq(orders.orderId, orderId))
    .run();
}

/**
 * The order reached a new stage. An old event (history replayed) never moves
 * the last update back: the delay watch counts from it; the watch recomputes
 * when a notice could fall due (watch_at = now).
 */
export function advanceOrderStage(db: Db, orderId: string, stageRank: number, at: number, now: number): void {
  db.update(orders)
    .set({ stageRank, lastEventAt: sql`max(coalesce(${orders.lastEventAt}, 0), ${at})`, watchAt: now, updatedAt: now })
    .where(eq(orders.orderId, orderId))
    .run();
}

/** Any tracking update ends a silence: only forward, and only while the order is active. */
export function noteOrderNews(db: Db, orderId: string, at: number, now: number): void {
  db.update(orders)
    .set({ lastEventAt: at, watchAt: now, updatedAt: now })
    .where(and(eq(orders.orderId, orderId), eq(orders.state, 'active'), or(isNull(orders.lastEventAt), lt(orders.lastEventAt, at))))
    .run();
}

/**
 * A carrier exception (failed attempt, held, undeliverable) for an active
 * order: kept while it is the latest news (see STAGE_SQL); an older one
 * arriving late never replaces a newer one.
 */
export function noteOrderException(db: Db, orderId: string, at: number, now: number): void {
  db.update(orders)
    .set({ exceptionAt: sql`max(coalesce(${orders.exceptionAt}, 0), ${at})`, updatedAt: now })
    .where(and(eq(orders.orderId, orderId), eq(orders.state, 'active')))
    .run();
}

/**
 * Runs `fn` in one immediate (write-locked) transaction: what it reads cannot
 * change under it, so two workers applying two events of one parcel cannot
 * move it back.
 */
export function inWriteTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(() => fn(), { behavior: 'immediate' });
}
