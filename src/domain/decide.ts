import { DateTime } from 'luxon';
import type { Milestone } from './milestones.js';
import { POINTLESS_AFTER_DELIVERY, SUPERSEDED_BY } from './milestones.js';
import type { OrderState } from './order.js';
import { windowedMs } from './send-window.js';
import { durationMs } from './wall-clock.js';
import { isStale, reviewDueAfterDelivery, type HoldReason, type SkipReason } from './plan.js';
import type { Profile } from './profile.js';

export type Decision =
  | { kind: 'send' }
  | { kind: 'skip'; reason: SkipReason }
  | { kind: 'cancel' }
  | { kind: 'reschedule'; at: DateTime; hold?: HoldReason };

export interface DecideInput {
  milestone: Milestone;
  dueAt: DateTime;
  /** A deliberate resend from the CLI ignores superseded and stale. */
  isResend: boolean;
  orderState: OrderState;
  /** Milestones of this order already recorded as sent. */
  sentMilestones: readonly Milestone[];
  /** The buyer's address is on the suppression list for this kind of message. */
  suppressed: boolean;
  profile: Profile;
  now: DateTime;
  /** The buyer has a dispute open: review requests wait. */
  inDispute?: boolean;
  /** When tracking said delivered (orders in state delivered). */
  deliveredAt?: DateTime | null;
  /** Needed with deliveredAt, for the review request's send window. */
  buyerTimezone?: string;
  /**
   * Letters already sent to this buyer's address (any of their orders) in the
   * last 48 h, from the ledger: the inbox rules (see `holdForInbox`) read them.
   */
  recentLetters?: readonly RecentLetter[];
}

export interface RecentLetter {
  milestone: Milestone;
  sentAt: DateTime;
}

/** A job that fires more than this early is put back rather than sent early. */
const EARLY_TOLERANCE_MS = 1000;

/** A review request held by a dispute looks again this often (closing the dispute also releases it at once). */
export const DISPUTE_RECHECK_MS = 24 * 3600_000;

/** Review-request gating: held during a dispute, and not before `reviewAfterDelivery` after a known delivery. */
function holdReview(input: DecideInput): Decision | null {
  if (input.milestone !== 'day14' || input.isResend) return null;
  if (input.inDispute) {
    return { kind: 'reschedule', at: input.now.plus({ milliseconds: DISPUTE_RECHECK_MS }), hold: 'dispute' };
  }
  if (input.deliveredAt && input.buyerTimezone) {
    const notBefore = reviewDueAfterDelivery(input.deliveredAt, input.buyerTimezone, input.profile);
    if (notBefore && notBefore.toMillis() - input.dueAt.toMillis() > EARLY_TOLERANCE_MS) {
      return { kind: 'reschedule', at: notBefore, hold: 'after_delivery' };
    }
  }
  return null;
}

/** A delay apology and a review request are never sent within this of each other. */
export const APOLOGY_REVIEW_GAP_MS = 48 * 3600_000;

/**
 * Letters that report a change of the parcel's state (or answer the buyer)
 * go out even when the buyer already had a letter today; the others wait.
 */
const STATE_CHANGE_OR_ANSWER: readonly Milestone[] = ['shipped', 'customs', 'post_office', 'feedback_thanks', 'dispute_reply'];

/** The start of the buyer's next local day after `ms`, inside the send window. */
function nextLocalDay(ms: number, zone: string, profile: Profile): DateTime {
  const next = DateTime.fromMillis(ms, { zone }).plus({ days: 1 }).startOf('day').toMillis();
  return DateTime.fromMillis(windowedMs(next, zone, profile.sendWindow), { zone: 'utc' });
}

const DAY = 86_400_000;

function spacedUnderADay(profile: Profile): boolean {
  return [profile.delays.day1, profile.delays.day14, ...profile.pickupReminders].some((d) => durationMs(d) < DAY);
}

/**
 * The inbox rules: no delay apology and review request within 48 h of each
 * other (the later one waits), and at most one letter a buyer-local day,
 * unless this one reports a state change or answers the buyer.
 */
function holdForInbox(input: DecideInput): Decision | null {
  const letters = input.recentLetters ?? [];
  if (input.isResend || letters.length === 0) return null;
  const { milestone, now } = input;
  const other = milestone === 'day14' ? 'delay' : milestone === 'delay' ? 'day14' : null;
  const clash = letters
    .filter((l) => l.milestone === other && now.toMillis() - l.sentAt.toMillis() < APOLOGY_REVIEW_GAP_MS)
    .sort((a, b) => b.sentAt.toMillis() - a.sentAt.toMillis())[0];
  if (clash) return { kind: 'reschedule', at: clash.sentAt.plus({ milliseconds: APOLOGY_REVIEW_GAP_MS }), hold: 'apart_48h' };
  if (STATE_CHANGE_OR_ANSWER.includes(milestone) || !input.buyerTimezone) return null;
  // A profile that spaces its letters under a day apart (a demo, a test, a seller's own choice) asked for
  // them on the same day: one a day would hold what it deliberately scheduled.
  if (spacedUnderADay(input.profile)) return null;
  const zone = input.buyerTimezone;
  const today = now.setZone(zone).toISODate();
  const sameDay = letters.filter((l) => l.sentAt.setZone(zone).toISODate() === today);
  if (sameDay.length === 0) return null;
  return { kind: 'reschedule', at: nextLocalDay(now.toMillis(), zone, input.profile), hold: 'one_a_day' };
}

/** What to do with a due send. Pure: the worker loads the facts and acts on the answer. */
export function decide(input: DecideInput): Decision {
  const { milestone, orderState, now } = input;
  if (orderState === 'cancelled') return { kind: 'cancel' };
  if (orderState === 'returned') return { kind: 'skip', reason: 'returned' };
  if (!input.profile.milestones[milestone] && !input.isResend) return { kind: 'skip', reason: 'disabled' };
  // A known delivery ends every "arriving soon" letter, even a resend.
  if ((orderState === 'delivered' || input.deliveredAt) && POINTLESS_AFTER_DELIVERY.includes(milestone)) {
    return { kind: 'skip', reason: 'delivered' };
  }
  if (input.suppressed) return { kind: 'skip', reason: 'suppressed' };
  const hold = holdReview(input);
  if (hold) return hold;
  if (!input.isResend) {
    if (SUPERSEDED_BY[milestone].some((later) => input.sentMilestones.includes(later))) {
      return { kind: 'skip', reason: 'superseded' };
    }
    if (isStale(milestone, input.dueAt, input.profile, now)) return { kind: 'skip', reason: 'stale' };
    if (input.dueAt.toMillis() - now.toMillis() > EARLY_TOLERANCE_MS) return { kind: 'reschedule', at: input.dueAt };
  }
  return holdForInbox(input) ?? { kind: 'send' };
}
