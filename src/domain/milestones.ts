/** The fixed set of logistics milestones a buyer hears about. */
export const MILESTONES = ['shipped', 'day1', 'customs', 'post_office', 'day14'] as const;
export type Milestone = (typeof MILESTONES)[number];

/** Milestones whose due time follows from shipped-at (shipped itself is due at once). */
export const TIMED_MILESTONES = ['shipped', 'day1', 'day14'] as const;
export type TimedMilestone = (typeof TIMED_MILESTONES)[number];

/** Milestones triggered by a tracking event. */
export const EVENT_MILESTONES = ['customs', 'post_office'] as const;
export type EventMilestone = (typeof EVENT_MILESTONES)[number];

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
 */
export const SUPERSEDED_BY: Record<Milestone, readonly Milestone[]> = {
  shipped: ['day1', 'customs', 'post_office'],
  day1: ['customs', 'post_office'],
  customs: ['post_office'],
  post_office: [],
  day14: [],
};

/** Ordered logistics stages, used so an old tracking event never moves an order back. */
export const STAGE_RANK: Record<Milestone, number> = {
  shipped: 0,
  day1: 1,
  customs: 2,
  post_office: 3,
  day14: 1,
};
