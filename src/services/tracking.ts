import { parseIsoMillis } from '../domain/iso-time.js';
import { and, asc, eq, getTableName, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { asciiUpper } from '../domain/identifiers.js';
import type { Order } from '../domain/order.js';
import { matchEventToOrder, type EventMatch } from '../domain/tracking-match.js';
import { planPickupReminders } from '../domain/pickup.js';
import { eventMilestoneFor, OUTCOME_RANK, type NormalizedEvent, type TrackingOutcome } from '../domain/tracking-status.js';
import type { Db } from '../store/db.js';
import { assertLedgerFile } from '../store/ledger-file.js';
import { notePush, requestStop } from '../store/registrations.js';
import { insertSql } from '../store/sql.js';
import { orderFromRow, type OrderRow } from '../store/ledger.js';
import { orders, trackingEvents } from '../store/schema.js';
import { cancelPending, insertRuleSend, scheduleEventMilestone, type OrderServiceDeps } from './orders.js';

/** How an event reached us: pushed by the provider's webhook, or fetched by the poll. */
export type EventSource = 'push' | 'poll';

export type StoreResult = { stored: true; id: number } | { stored: false; duplicateOf: number };

/**
 * When it happened, in ms. Never later than now: carrier-local times without
 * an offset can read hours ahead, and a future time would delay the message.
 */
function occurredMillis(occurredAt: string | null, now: number): number {
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

// Webhooks store events at request rate: statements are prepared once per connection.
const eventStatements = new WeakMap<Db, ReturnType<typeof prepareEventStatements>>();

/** Stores an event durably, once per provider event (dedup key, for its tracking number). The raw body is kept as received. */
export function recordTrackingEvent(db: Db, event: NormalizedEvent, raw: string, now: number, source: EventSource = 'push'): StoreResult {
  let statements = eventStatements.get(db);
  if (!statements) {
    statements = prepareEventStatements(db);
    eventStatements.set(db, statements);
  }
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
 * in one SQLite transaction (one WAL commit instead of one per request). Each
 * delivery stays all-or-none; a failed commit fails every delivery in it, and
 * each answers 503 so its provider retries.
 */
export function trackingEventWriter(db: Db, clock: () => number) {
  let pending: Array<{
    events: readonly NormalizedEvent[];
    raw: string;
    resolve: (r: StoreResult[]) => void;
    reject: (err: unknown) => void;
  }> = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    const now = clock();
    let results: StoreResult[][];
    try {
      // Never acknowledge into a ledger file that was removed or replaced under us.
      assertLedgerFile(db);
      results = db.$client.transaction(() => batch.map((d) => d.events.map((event) => recordTrackingEvent(db, event, d.raw, now))))();
    } catch (err) {
      for (const d of batch) d.reject(err);
      return;
    }
    batch.forEach((d, i) => d.resolve(results[i]));
  };
  return (events: readonly NormalizedEvent[], raw: string): Promise<StoreResult[]> =>
    new Promise((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ events, raw, resolve, reject });
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

/**
 * The order a tracking event belongs to (see matchEventToOrder): the carrier
 * narrows reused numbers, then the order shipped nearest before the event.
 */
export function findOrderForTracking(db: Db, trackingNumber: string, carrier: string | null, occurredAt = Number.MAX_SAFE_INTEGER): EventMatch<OrderRow> {
  const candidates = db.select().from(orders).where(eq(orders.trackingNumber, asciiUpper(trackingNumber))).orderBy(asc(orders.createdAt)).all();
  return matchEventToOrder(candidates, occurredAt, carrier);
}

/** The outcome text says why an event was matched to one order of several, so `status` and /admin can show it. */
function ambiguityNote(match: EventMatch<OrderRow>): string {
  if (match.kind === 'none' || match.ambiguousWith.length === 0) return '';
  return ` (ambiguous: tracking number shared with ${match.ambiguousWith.join(', ')}; matched to the order shipped nearest before the event)`;
}

function applyToOrder(deps: OrderServiceDeps, row: OrderRow, outcome: TrackingOutcome, occurredAt: DateTime): string {
  const { db } = deps;
  const now = deps.clock.now().toMillis();
  const rank = OUTCOME_RANK[outcome];
  if (row.state === 'cancelled') return 'ignored: order cancelled';
  if (outcome === 'exception') return 'recorded: exception';
  // A pickup notice after out-for-delivery (same stage) is news: the delivery failed and the parcel waits.
  const behind = outcome === 'pickup' ? rank < row.stageRank : rank <= row.stageRank;
  if (behind || (outcome === 'pickup' && row.state !== 'active')) return `ignored: order already past ${outcome}`;
  const order: Order = orderFromRow(row);
  if (outcome === 'delivered' || outcome === 'returned') {
    return db.transaction((tx) => {
      tx.update(orders)
        .set({ state: outcome, stateReason: outcome, stageRank: rank, lastEventAt: occurredAt.toMillis(), watchAt: null, updatedAt: now })
        .where(eq(orders.orderId, row.orderId))
        .run();
      // A returned parcel must never get "hope you love it, please review"; a delivered one needs no apology or reminder.
      const pointless = outcome === 'returned' ? (['day14', 'delay', 'pickup_reminder'] as const) : (['delay', 'pickup_reminder'] as const);
      cancelPending(tx as unknown as Db, row.orderId, pointless, outcome, now);
      // A finished parcel spends no more of the seller's tracking quota.
      requestStop(tx as unknown as Db, row.orderId, now);
      return `order ${outcome}`;
    });
  }
  const milestone = eventMilestoneFor(outcome);
  if (!milestone) return 'ignored';
  db.update(orders)
    // A new stage from an old event (history replayed) must not move the last update back: the delay watch counts from it.
    // The watch recomputes when a notice could fall due (news moves it; the post office ends it).
    .set({ stageRank: rank, lastEventAt: sql`max(coalesce(${orders.lastEventAt}, 0), ${occurredAt.toMillis()})`, watchAt: now, updatedAt: now })
    .where(eq(orders.orderId, row.orderId))
    .run();
  const send = scheduleEventMilestone(deps, order, milestone, occurredAt);
  const reminders = outcome === 'pickup' ? schedulePickupReminders(deps, order, occurredAt) : 0;
  if (send) return `scheduled ${milestone}${reminders ? ` + ${reminders} pickup reminder(s)` : ''}`;
  return reminders ? `scheduled ${reminders} pickup reminder(s)` : `ignored: ${milestone} already scheduled`;
}

/**
 * Any tracking update (in transit scans too) ends a silence: the delay watch
 * counts from last_event_at. Only forward, and only while the order is active
 * (a delivered order's last_event_at is its delivery time).
 */
function noteTrackingUpdate(deps: OrderServiceDeps, order: OrderRow, occurredAt: number, now: number): void {
  deps.db
    .update(orders)
    .set({ lastEventAt: occurredAt, watchAt: now, updatedAt: now })
    .where(and(eq(orders.orderId, order.orderId), eq(orders.state, 'active'), or(isNull(orders.lastEventAt), lt(orders.lastEventAt, occurredAt))))
    .run();
}

/** Pickup reminders after an "available for pickup" event; each seq at most once per order. */
function schedulePickupReminders(deps: OrderServiceDeps, order: Order, pickupAt: DateTime): number {
  if (order.state !== 'active') return 0;
  const now = deps.clock.now();
  const planned = planPickupReminders(order, pickupAt, deps.profiles(order), now);
  return planned.filter((p) => insertRuleSend(deps.db, order.orderId, p, now.toMillis()) !== null).length;
}

/**
 * Applies a stored event to its order (if known) and records what it did.
 * One immediate (write-locked) transaction: the order's stage is read and
 * moved forward atomically, so two workers applying two events of one parcel
 * cannot move it back, and a job racing the sweep applies the event once.
 */
export function applyStoredEvent(deps: OrderServiceDeps, eventId: number): string {
  return deps.db.transaction(() => applyInTransaction(deps, eventId), { behavior: 'immediate' });
}

function applyInTransaction(deps: OrderServiceDeps, eventId: number): string {
  const { db } = deps;
  const event = db.select().from(trackingEvents).where(eq(trackingEvents.id, eventId)).get();
  if (!event) return 'missing';
  if (event.processedAt !== null && event.orderId !== null) return event.outcome ?? 'processed';
  const now = deps.clock.now().toMillis();
  const match = findOrderForTracking(db, event.trackingNumber, event.carrier, event.occurredAt ?? now);
  const order = match.kind === 'none' ? undefined : match.order;
  let outcome: string;
  if (match.kind === 'none') outcome = 'unmatched';
  else if (match.kind === 'stale') {
    // A replayed history, or a recycled number's previous parcel: never a message for this order.
    const days = Math.round((match.order.shippedAt - (event.occurredAt ?? now)) / 86_400_000);
    outcome = `ignored: stale event, ${days} days before the order shipped${ambiguityNote(match)}`;
  } else {
    const order = match.order;
    const at = DateTime.fromMillis(event.occurredAt ?? now, { zone: 'utc' });
    outcome = (event.milestone ? applyToOrder(deps, order, event.milestone as TrackingOutcome, at) : 'recorded: no milestone') + ambiguityNote(match);
    noteTrackingUpdate(deps, order, at.toMillis(), now);
    // A pushed update means the provider's feed works: the poll can wait.
    if (event.source === 'push' && deps.tracking) notePush(db, order.orderId, now, deps.tracking.pollAfterMs, event.carrier);
  }
  db.update(trackingEvents)
    .set({ orderId: order?.orderId ?? null, processedAt: now, outcome })
    .where(eq(trackingEvents.id, eventId))
    .run();
  return outcome;
}

/** Events that arrived before their order: applied, oldest first, once the order is entered. */
export function applyUnmatchedEvents(deps: OrderServiceDeps, order: Order): number {
  const pending = deps.db
    .select({ id: trackingEvents.id, occurredAt: trackingEvents.occurredAt })
    .from(trackingEvents)
    .where(and(eq(trackingEvents.trackingNumber, order.trackingNumber), eq(trackingEvents.outcome, 'unmatched')))
    .all()
    .sort((a, b) => (a.occurredAt ?? 0) - (b.occurredAt ?? 0));
  for (const event of pending) applyStoredEvent(deps, event.id);
  return pending.length;
}

export interface PendingReport {
  applied: number;
  /** Events that scheduled a message: the caller promotes after a sweep that scheduled any. */
  scheduled: number;
}

/**
 * Applies stored events nobody applied yet, oldest first: the safety net when
 * Redis was down as a webhook was accepted, or the job was lost with Redis.
 * `olderThanMs` leaves fresh events to their job. Applying twice is harmless.
 */
export function applyPendingEvents(
  deps: OrderServiceDeps,
  options: { olderThanMs?: number; limit?: number } = {},
): PendingReport {
  const cutoff = deps.clock.now().toMillis() - (options.olderThanMs ?? 60_000);
  const pending = deps.db
    .select({ id: trackingEvents.id })
    .from(trackingEvents)
    .where(and(isNull(trackingEvents.processedAt), lte(trackingEvents.receivedAt, cutoff)))
    .orderBy(asc(trackingEvents.occurredAt), asc(trackingEvents.id))
    .limit(options.limit ?? 5000)
    .all();
  let scheduled = 0;
  for (const { id } of pending) {
    if (applyStoredEvent(deps, id).startsWith('scheduled')) scheduled += 1;
  }
  return { applied: pending.length, scheduled };
}
