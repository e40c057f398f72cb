/** The logistics milestones a buyer hears about. */
export const MILESTONES = ['shipped', 'day1', 'customs', 'post_office', 'day14', 'delay', 'pickup_reminder', 'feedback_thanks', 'dispute_reply'] as const;
export type Milestone = (typeof MILESTONES)[number];

/** Milestones whose due time follows from shipped-at (shipped itself is due at once). */
export const TIMED_MILESTONES = ['shipped', 'day1', 'day14'] as const;
export type TimedMilestone = (typeof TIMED_MILESTONES)[number];

/** Milestones triggered by a tracking event. */
export const EVENT_MILESTONES = ['customs', 'post_office'] as const;
export type EventMilestone = (typeof EVENT_MILESTONES)[number];

/**
 * Milestones the timeline rules add later: `delay` by the periodic watch over
 * the ledger (silence or an overdue window), `pickup_reminder` after an
 * "available for pickup" event. Both may repeat (sends.seq 0, 1, ...).
 */
export const RULE_MILESTONES = ['delay', 'pickup_reminder'] as const;
export type RuleMilestone = (typeof RULE_MILESTONES)[number];

/**
 * Replies to something the buyer did: `feedback_thanks` after a rating at or
 * above the store's threshold (once per order), `dispute_reply` when a dispute
 * is opened (seq = the order's dispute number).
 */
export const REPLY_MILESTONES = ['feedback_thanks', 'dispute_reply'] as const;
export type ReplyMilestone = (typeof REPLY_MILESTONES)[number];

/** Milestones that say nothing useful once the parcel is delivered. */
export const POINTLESS_AFTER_DELIVERY: readonly Milestone[] = ['day1', 'customs', 'post_office', 'delay', 'pickup_reminder'];

export function isMilestone(value: string): value is Milestone {
  return (MILESTONES as readonly string[]).includes(value);
}

export function isEventMilestone(value: string): value is EventMilestone {
  return (EVENT_MILESTONES as readonly string[]).includes(value);
}

/**
 * A logistics update is pointless once a later stage has been announced:
 * "your parcel is at customs" after "it is at your post office" confuses the buyer.
 * day14 is a care message, not a stage, so it neither supersedes nor is superseded.
 * A delay notice is an apology, not a stage: a post_office message already sent
 * makes it pointless; a pickup reminder makes sense only after post_office.
 */
export const SUPERSEDED_BY: Record<Milestone, readonly Milestone[]> = {
  shipped: ['day1', 'customs', 'post_office'],
  day1: ['customs', 'post_office'],
  customs: ['post_office'],
  post_office: [],
  day14: [],
  delay: ['post_office'],
  pickup_reminder: [],
  feedback_thanks: [],
  dispute_reply: [],
};

/** Ordered logistics stages, used so an old tracking event never moves an order back. */
export const STAGE_RANK: Record<Milestone, number> = {
  shipped: 0,
  day1: 1,
  customs: 2,
  post_office: 3,
  day14: 1,
  delay: 1,
  pickup_reminder: 3,
  feedback_thanks: 0,
  dispute_reply: 0,
};
