import { DateTime } from 'luxon';
import type { Order } from '../domain/order.js';
import { matchEventToOrder, type EventMatch } from '../domain/tracking-match.js';
import { planPickupReminders } from '../domain/pickup.js';
import { eventMilestoneFor, OUTCOME_RANK, type NormalizedEvent, type TrackingOutcome } from '../domain/tracking-status.js';
import type { Ledger } from '../store/ledger-api.js';
import { orderFromRow, type OrderRow } from '../store/ledger.js';
import { scheduleEventMilestone, type OrderServiceDeps } from './orders.js';

/**
 * The order a tracking event belongs to (see matchEventToOrder): the carrier
 * narrows reused numbers, then the order shipped nearest before the event.
 */
export async function findOrderForTracking(ledger: Ledger, trackingNumber: string, carrier: string | null, occurredAt = Number.MAX_SAFE_INTEGER): Promise<EventMatch<OrderRow>> {
  return matchEventToOrder(await ledger.ordersWithTrackingNumber(trackingNumber), occurredAt, carrier);
}

/** The outcome text says why an event was matched to one order of several, so `status` and /admin can show it. */
function ambiguityNote(match: EventMatch<OrderRow>): string {
  if (match.kind === 'none' || match.ambiguousWith.length === 0) return '';
  return ` (ambiguous: tracking number shared with ${match.ambiguousWith.join(', ')}; matched to the order shipped nearest before the event)`;
}

/** Inside the caller's transaction: `deps.ledger` is that transaction. */
async function applyToOrder(deps: OrderServiceDeps, row: OrderRow, outcome: TrackingOutcome, occurredAt: DateTime): Promise<string> {
  const { ledger } = deps;
  const now = deps.clock.now().toMillis();
  const rank = OUTCOME_RANK[outcome];
  if (row.state === 'cancelled') return 'ignored: order cancelled';
  if (outcome === 'exception') {
    // The parcel counts as an exception on the dashboard until a later scan moves it on.
    await ledger.noteOrderException(row.orderId, occurredAt.toMillis(), now);
    return 'recorded: exception';
  }
  // A pickup notice after out-for-delivery (same stage) is news: the delivery failed and the parcel waits.
  const behind = outcome === 'pickup' ? rank < row.stageRank : rank <= row.stageRank;
  if (behind || (outcome === 'pickup' && row.state !== 'active')) return `ignored: order already past ${outcome}`;
  const order: Order = orderFromRow(row);
  if (outcome === 'delivered' || outcome === 'returned') {
    await ledger.finishOrder(row.orderId, outcome, rank, occurredAt.toMillis(), now);
    // A returned parcel must never get "hope you love it, please review"; a delivered one needs no apology or reminder.
    const pointless = outcome === 'returned' ? (['day14', 'delay', 'pickup_reminder'] as const) : (['delay', 'pickup_reminder'] as const);
    await ledger.cancelPending(row.orderId, pointless, outcome, now);
    // A finished parcel spends no more of the seller's tracking quota.
    await ledger.requestStop(row.orderId, now);
    return `order ${outcome}`;
  }
  const milestone = eventMilestoneFor(outcome);
  if (!milestone) return 'ignored';
  await ledger.advanceOrderStage(row.orderId, rank, occurredAt.toMillis(), now);
  const send = await scheduleEventMilestone(deps, order, milestone, occurredAt);
  const reminders = outcome === 'pickup' ? await schedulePickupReminders(deps, order, occurredAt) : 0;
  if (send) return `scheduled ${milestone}${reminders ? ` + ${reminders} pickup reminder(s)` : ''}`;
  return reminders ? `scheduled ${reminders} pickup reminder(s)` : `ignored: ${milestone} already scheduled`;
}

/**
 * Any tracking update (in transit scans too) ends a silence: the delay watch
 * counts from last_event_at. Only forward, and only while the order is active
 * (a delivered order's last_event_at is its delivery time).
 */
async function noteTrackingUpdate(deps: OrderServiceDeps, order: OrderRow, occurredAt: number, now: number): Promise<void> {
  await deps.ledger.noteOrderNews(order.orderId, occurredAt, now);
}

/** Pickup reminders after an "available for pickup" event; each seq at most once per order. */
async function schedulePickupReminders(deps: OrderServiceDeps, order: Order, pickupAt: DateTime): Promise<number> {
  if (order.state !== 'active') return 0;
  const now = deps.clock.now();
  const planned = planPickupReminders(order, pickupAt, deps.profiles(order), now);
  let scheduled = 0;
  for (const p of planned) if ((await deps.ledger.insertRuleSend(order.orderId, p, now.toMillis())) !== null) scheduled++;
  return scheduled;
}

/**
 * Applies a stored event to its order (if known) and records what it did.
 * One immediate (write-locked) transaction: the order's stage is read and
 * moved forward atomically, so two workers applying two events of one parcel
 * cannot move it back, and a job racing the sweep applies the event once.
 */
export function applyStoredEvent(deps: OrderServiceDeps, eventId: number): Promise<string> {
  return deps.ledger.transaction((tx) => applyInTransaction({ ...deps, ledger: tx }, eventId));
}

async function applyInTransaction(deps: OrderServiceDeps, eventId: number): Promise<string> {
  const { ledger } = deps;
  const event = await ledger.getTrackingEvent(eventId);
  if (!event) return 'missing';
  if (event.processedAt !== null && event.orderId !== null) return event.outcome ?? 'processed';
  const now = deps.clock.now().toMillis();
  const match = await findOrderForTracking(ledger, event.trackingNumber, event.carrier, event.occurredAt ?? now);
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
    outcome = (event.milestone ? await applyToOrder(deps, order, event.milestone as TrackingOutcome, at) : 'recorded: no milestone') + ambiguityNote(match);
    await noteTrackingUpdate(deps, order, at.toMillis(), now);
    // A pushed update means the provider's feed works: the poll can wait.
    if (event.source === 'push' && deps.tracking) await ledger.notePush(order.orderId, now, deps.tracking.pollAfterMs, event.carrier);
  }
  await ledger.markEventApplied(eventId, order?.orderId ?? null, outcome, now);
  return outcome;
}

/** Events that arrived before their order: applied, oldest first, once the order is entered. */
export async function applyUnmatchedEvents(deps: OrderServiceDeps, order: Order): Promise<number> {
  const pending = await deps.ledger.unmatchedEventIds(order.trackingNumber);
  for (const id of pending) await applyStoredEvent(deps, id);
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
export async function applyPendingEvents(
  deps: OrderServiceDeps,
  options: { olderThanMs?: number; limit?: number } = {},
): Promise<PendingReport> {
  const cutoff = deps.clock.now().toMillis() - (options.olderThanMs ?? 60_000);
  const pending = await deps.ledger.unappliedEventIds(cutoff, options.limit ?? 5000);
  let scheduled = 0;
  for (const id of pending) {
    if ((await applyStoredEvent(deps, id)).startsWith('scheduled')) scheduled += 1;
  }
  return { applied: pending.length, scheduled };
}
