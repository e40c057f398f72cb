import { DateTime } from 'luxon';
import type { OrderState } from './order.js';
import { GENERIC_STATUSES } from './tracking-map.js';
import { calendarDaysFor } from './transit.js';
import { DAY_MS } from './wall-clock.js';

/** Where a buyer's feedback was recorded from. */
export const FEEDBACK_SOURCES = ['cli', 'webhook', 'api', 'simulate'] as const;
export type FeedbackSource = (typeof FEEDBACK_SOURCES)[number];

/** Why a buyer opened a dispute, as the marketplaces classify it. */
export const DISPUTE_REASONS = ['not_received', 'not_as_described', 'other'] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

/** A rating at or above this schedules `feedback_thanks`, unless the store sets its own threshold. */
export const DEFAULT_FEEDBACK_THRESHOLD = 4;
/** A rating at or below this goes on the seller's digest and `at-risk`; nothing is sent by itself. */
export const LOW_RATING_MAX = 2;
/** How long a low rating stays on `at-risk` (the digest shows each once, the day after it came). */
export const LOW_RATING_DAYS = 14;
/** A "not as described" reply asks for an answer within this many days. */
export const DISPUTE_ANSWER_DAYS = 3;

export type FeedbackVerdict =
  | { kind: 'thank' }
  | { kind: 'low_rating' }
  | { kind: 'none'; why: 'below_threshold' | 'already_thanked' | 'order_cancelled' | 'order_returned' };

/** What a new rating means: thank the buyer (once per order), alert the seller, or nothing. Pure. */
export function feedbackVerdict(input: {
  rating: number;
  threshold?: number;
  orderState: OrderState;
  alreadyThanked: boolean;
}): FeedbackVerdict {
  if (input.rating <= LOW_RATING_MAX) return { kind: 'low_rating' };
  if (input.rating < (input.threshold ?? DEFAULT_FEEDBACK_THRESHOLD)) return { kind: 'none', why: 'below_threshold' };
  if (input.orderState === 'cancelled') return { kind: 'none', why: 'order_cancelled' };
  if (input.orderState === 'returned') return { kind: 'none', why: 'order_returned' };
  if (input.alreadyThanked) return { kind: 'none', why: 'already_thanked' };
  return { kind: 'thank' };
}

/** The kinds of tracking scan a buyer can read about, in plain words (see src/mail/status-words.ts). */
export const SCAN_KINDS = [
  'info_received', 'in_transit', 'customs', 'customs_released', 'post_office', 'out_for_delivery',
  'available_for_pickup', 'failed_attempt', 'exception', 'delivered', 'returning', 'returned',
] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];

const PROVIDER_WORDS: Array<[RegExp, ScanKind]> = [
  [/inforeceived|info_received|pre_transit|pretransit/i, 'info_received'],
  [/customsreleased|customs_released/i, 'customs_released'],
  [/outfordelivery|out_for_delivery/i, 'out_for_delivery'],
  [/availableforpickup|available_for_pickup/i, 'available_for_pickup'],
  [/attemptfail|failed_attempt|deliveryfailure/i, 'failed_attempt'],
  [/returning|return_to_sender|returntosender/i, 'returning'],
];

const BY_OUTCOME: Record<string, ScanKind> = {
  customs: 'customs',
  post_office: 'post_office',
  pickup: 'available_for_pickup',
  delivered: 'delivered',
  returned: 'returned',
  exception: 'exception',
};

/** A stored event's kind, from the provider's words where they say more than the normalized outcome. */
export function scanKind(providerStatus: string | null, outcome: string | null): ScanKind {
  const words = providerStatus ?? '';
  if (Object.hasOwn(GENERIC_STATUSES, words)) return words === 'expired' ? 'exception' : (words as ScanKind);
  for (const [pattern, kind] of PROVIDER_WORDS) if (pattern.test(words)) return kind;
  return (outcome && BY_OUTCOME[outcome]) || 'in_transit';
}

/** What the reply says comes next, from the newest scan. */
export type NextStep = 'no_scans' | 'in_transit' | 'customs' | 'destination' | 'delivered' | 'returning' | 'exception';

export function nextStep(latest: ScanKind | null): NextStep {
  switch (latest) {
    case null: return 'no_scans';
    case 'customs': case 'customs_released': return 'customs';
    case 'post_office': case 'out_for_delivery': case 'available_for_pickup': case 'failed_attempt': return 'destination';
    case 'delivered': return 'delivered';
    case 'returning': case 'returned': return 'returning';
    case 'exception': return 'exception';
    default: return 'in_transit';
  }
}

/**
 * The date to extend a "not received" buyer's protection to: the current
 * deadline (shipped-at + protectionDays) pushed out by the lane's p90 transit
 * (business days of the destination), so a parcel as slow as one in ten of
 * its lane still arrives under protection. UTC ms.
 */
export function extendProtectionUntil(input: {
  shippedAt: number;
  protectionDays: number;
  p90BusinessDays: number;
  weekend: readonly number[];
}): number {
  const deadline = input.shippedAt + input.protectionDays * DAY_MS;
  const weekday = DateTime.fromMillis(deadline, { zone: 'utc' }).weekday;
  return deadline + calendarDaysFor(weekday, input.p90BusinessDays, input.weekend) * DAY_MS;
}
