import type { DateTime } from 'luxon';
import type { Milestone } from './milestones.js';
import { POINTLESS_AFTER_DELIVERY, SUPERSEDED_BY } from './milestones.js';
import type { OrderState } from './order.js';
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

/** What to do with a due send. Pure: the worker loads the facts and acts on the answer. */
export function decide(input: DecideInput): Decision {
  const { milestone, orderState, now } = input;
  if (orderState === 'cancelled') return { kind: 'cancel' };
  if (orderState === 'returned') return { kind: 'skip', reason: 'returned' };
  if (!input.profile.milestones[milestone] && !input.isResend) return { kind: 'skip', reason: 'disabled' };
  if (orderState === 'delivered' && POINTLESS_AFTER_DELIVERY.includes(milestone)) {
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
  return { kind: 'send' };
}
