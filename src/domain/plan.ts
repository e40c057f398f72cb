import { DateTime } from 'luxon';
import type { EventMilestone, Milestone, TimedMilestone } from './milestones.js';
import { TIMED_MILESTONES } from './milestones.js';
import type { Order } from './order.js';
import type { Profile } from './profile.js';
import { windowedMs } from './send-window.js';
import { addInZone, durationMs } from './wall-clock.js';

export type SkipReason =
  | 'cancelled'
  | 'superseded'
  | 'stale'
  | 'suppressed'
  | 'returned'
  | 'delivered'
  | 'disabled';

/** Why a send was put back rather than sent: a dispute is open, or delivery was recent. */
/**
 * Why a due send waits: a dispute is open; not before `reviewAfterDelivery`; a
 * delay apology and a review request are kept 48 h apart (`apart_48h`); one
 * letter per buyer per local day unless the parcel's state changed (`one_a_day`).
 */
export type HoldReason = 'dispute' | 'after_delivery' | 'apart_48h' | 'one_a_day';

/** One ledger row to write: a message due at `dueAt` (UTC), or a skip recorded up front. */
export interface PlannedSend {
  milestone: Milestone;
  dueAt: DateTime;
  status: 'scheduled' | 'skipped';
  reason: SkipReason | null;
  /** 0 unless the milestone repeats (second delay notice, later pickup reminders). */
  seq?: number;
}

function baseTime(order: Order, milestone: TimedMilestone, profile: Profile): number {
  const shipped = order.shippedAt.toMillis();
  if (milestone === 'shipped') return shipped;
  // Calendar arithmetic in the buyer's zone: "one day later" keeps the wall-clock time across DST.
  return addInZone(shipped, profile.delays[milestone], order.buyerTimezone);
}

function isStale(milestone: Milestone, dueAt: DateTime, profile: Profile, now: DateTime): boolean {
  return now.toMillis() - dueAt.toMillis() > durationMs(profile.staleAfter[milestone]);
}

function planOne(order: Order, milestone: Milestone, base: number, profile: Profile, now: DateTime): PlannedSend {
  const dueAt = DateTime.fromMillis(windowedMs(base, order.buyerTimezone, profile.sendWindow), { zone: 'utc' });
  if (!profile.milestones[milestone]) return { milestone, dueAt, status: 'skipped', reason: 'disabled' };
  if (isStale(milestone, dueAt, profile, now)) return { milestone, dueAt, status: 'skipped', reason: 'stale' };
  return { milestone, dueAt, status: 'scheduled', reason: null };
}

/**
 * The time-based sends for a newly entered order. An old order imported late
 * gets its long-past messages recorded as skipped `stale`, not sent.
 */
export function planSends(order: Order, profile: Profile, now: DateTime): PlannedSend[] {
  return TIMED_MILESTONES.map((m) => planOne(order, m, baseTime(order, m, profile), profile, now));
}

/** The send for an event milestone reached at `occurredAt` (due at once, inside the window). */
export function planEventSend(
  order: Order,
  milestone: EventMilestone,
  occurredAt: DateTime,
  profile: Profile,
  now: DateTime,
): PlannedSend {
  // Due when we learn of it, not when it happened: the webhook may arrive late.
  const base = occurredAt > now ? occurredAt : now;
  return planOne(order, milestone, base.toMillis(), profile, now);
}

/** A send due at `baseMs` (UTC ms), moved into the buyer's send window: the rule milestones' planner. */
export function planAt(order: Order, milestone: Milestone, baseMs: number, profile: Profile, now: DateTime): PlannedSend {
  return planOne(order, milestone, baseMs, profile, now);
}

/** When a review request may go out once delivery is known: `reviewAfterDelivery` later, inside the window. */
export function reviewDueAfterDelivery(deliveredAt: DateTime, zone: string, profile: Profile): DateTime | null {
  if (!profile.reviewAfterDelivery) return null;
  const base = addInZone(deliveredAt.toMillis(), profile.reviewAfterDelivery, zone);
  return DateTime.fromMillis(windowedMs(base, zone, profile.sendWindow), { zone: 'utc' });
}

export { isStale };
