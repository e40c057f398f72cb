import type { EventMilestone } from './milestones.js';

/** What a tracking event means for postship, whatever provider sent it. */
/**
 * `pickup` is `post_office` that waits for the buyer (available for pickup,
 * left at the post office): it also schedules pickup reminders. Out for
 * delivery stays `post_office`.
 */
export const TRACKING_OUTCOMES = ['customs', 'post_office', 'pickup', 'delivered', 'exception', 'returned'] as const;
export type TrackingOutcome = (typeof TRACKING_OUTCOMES)[number];

/**
 * Logistics progress, so an event older than what the order already reached
 * never moves it back (webhooks arrive out of order and replay history).
 */
export const OUTCOME_RANK: Record<TrackingOutcome, number> = {
  customs: 2,
  post_office: 3,
  // Same stage as post_office; applied even after out-for-delivery (a failed delivery left at the office).
  pickup: 3,
  exception: 0,
  delivered: 4,
  returned: 5,
};

export function isEventMilestoneOutcome(outcome: TrackingOutcome | null): outcome is EventMilestone {
  return outcome === 'customs' || outcome === 'post_office';
}

/** The event milestone an outcome schedules: a pickup event is announced as post_office. */
export function eventMilestoneFor(outcome: TrackingOutcome | null): EventMilestone | null {
  if (outcome === 'pickup') return 'post_office';
  return isEventMilestoneOutcome(outcome) ? outcome : null;
}

/** A provider's event after normalization: the input of applyTrackingEvent. */
export interface NormalizedEvent {
  provider: string;
  /** Provider event id, or a key built from the event when the provider has none. */
  dedupKey: string;
  trackingNumber: string;
  /** postship carrier code, when the provider said which. */
  carrier: string | null;
  /** Provider words, e.g. `InTransit/InTransit_CustomsProcessing`. */
  providerStatus: string;
  outcome: TrackingOutcome | null;
  /** ISO-8601 instant the event happened, when known. */
  occurredAt: string | null;
}
