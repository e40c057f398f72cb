import type { DateTime } from 'luxon';
import type { Milestone } from './milestones.js';
import { SUPERSEDED_BY } from './milestones.js';
import type { OrderState } from './order.js';
import { isStale, type SkipReason } from './plan.js';
import type { Profile } from './profile.js';

export type Decision =
  | { kind: 'send' }
  | { kind: 'skip'; reason: SkipReason }
  | { kind: 'cancel' }
  | { kind: 'reschedule'; at: DateTime };

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
}

/** A job that fires more than this early is put back rather than sent early. */
const EARLY_TOLERANCE_MS = 1000;

/** What to do with a due send. Pure: the worker loads the facts and acts on the answer. */
export function decide(input: DecideInput): Decision {
  const { milestone, orderState, now } = input;
  if (orderState === 'cancelled') return { kind: 'cancel' };
  if (orderState === 'returned') return { kind: 'skip', reason: 'returned' };
  if (!input.profile.milestones[milestone] && !input.isResend) return { kind: 'skip', reason: 'disabled' };
  if (orderState === 'delivered' && (milestone === 'customs' || milestone === 'post_office' || milestone === 'day1')) {
    return { kind: 'skip', reason: 'delivered' };
  }
  if (input.suppressed) return { kind: 'skip', reason: 'suppressed' };
  if (!input.isResend) {
    if (SUPERSEDED_BY[milestone].some((later) => input.sentMilestones.includes(later))) {
      return { kind: 'skip', reason: 'superseded' };
    }
    if (isStale(milestone, input.dueAt, input.profile, now)) return { kind: 'skip', reason: 'stale' };
    if (input.dueAt.toMillis() - now.toMillis() > EARLY_TOLERANCE_MS) return { kind: 'reschedule', at: input.dueAt };
  }
  return { kind: 'send' };
}
