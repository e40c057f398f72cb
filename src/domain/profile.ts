import type { Milestone } from './milestones.js';
import type { Order } from './order.js';

/** The rules for one (carrier, destination country, store), after resolution. */
export interface Profile {
  milestones: Record<Milestone, boolean>;
  /** ISO-8601 durations after shipped-at. */
  delays: { day1: string; day14: string };
  /** Buyer-local "HH:mm" bounds; end may be "24:00". */
  sendWindow: { start: string; end: string };
  /** Expected transit in business days; null means "use the built-in table". */
  transitDays: { min: number; max: number } | null;
  /** Overrides the carrier's tracking-link template (`{tracking}` placeholder). */
  trackingUrl: string | null;
  /** How late past its due time a message may still go out (ISO-8601 durations). */
  staleAfter: Record<Milestone, string>;
  /** Business days without a tracking update before a delay notice; null = by carrier class. */
  delayAfterSilentDays: number | null;
  /** When delivery is known, the review request waits until this long after it (ISO-8601); null = no wait. */
  reviewAfterDelivery: string | null;
  /** Reminders after "available for pickup" with no delivery yet (ISO-8601 durations after the event). */
  pickupReminders: string[];
}

/** The part of a profile a config file may set; every field optional. */
export interface ProfileOverride {
  milestones?: Partial<Record<Milestone, boolean>>;
  delays?: Partial<Profile['delays']>;
  sendWindow?: Profile['sendWindow'];
  transitDays?: { min: number; max: number };
  trackingUrl?: string;
  staleAfter?: Partial<Record<Milestone, string>>;
  delayAfterSilentDays?: number;
  reviewAfterDelivery?: string;
  pickupReminders?: string[];
}

export interface ProfileRule extends ProfileOverride {
  carrier?: string;
  country?: string;
  store?: string;
}

export interface StoreIdentity {
  /** RFC 5322 address, e.g. `Acme Store <care@acme.example>`. */
  from?: string;
  replyTo?: string;
  /** Display name used in greetings and signatures. */
  name?: string;
  signature?: string;
  /** A folder of the store's own templates, looked up before the built-in ones. */
  templates?: string;
  /** Buyer purchase-protection period in days after shipped-at (default 60). */
  protectionDays?: number;
  /** Where the daily at-risk digest goes (the seller's own address). */
  sellerEmail?: string;
  /** Which tracking provider registers this store's parcels (overrides POSTSHIP_TRACKING). */
  tracking?: '17track' | 'aftership' | 'trackingmore' | 'none';
  profile?: ProfileOverride;
  /** The store's home page, linked from the thanks after positive feedback. */
  url?: string;
  /** Letters say "we answer within N hours" only when this is set. */
  responseHours?: number;
  /** Letters a UTC day at most for this store (pacing); the rest wait for the next day. */
  dailyCap?: number;
  /** The next-order offer in the thanks after positive feedback. */
  nextOrder?: NextOrderOffer;
  /** A rating at or above this schedules `feedback_thanks` (default 4). */
  feedbackThreshold?: number;
  /** What a "not as described" dispute reply may offer; nothing else is ever offered. */
  disputeOptions?: DisputeOption[];
  /** A dispute reply may go out at any hour, not only inside the send window (default false). */
  disputeReplyAnyHour?: boolean;
  /** The Shopify shop (`acme.myshopify.com`) whose webhooks enter this store's orders. */
  shopifyDomain?: string;
  /** The WooCommerce site (its X-WC-Webhook-Source) whose webhooks enter this store's orders. */
  woocommerceUrl?: string;
  /** `webhook`: messages are POSTed to `webhookUrl` instead of emailed (default `email`). */
  channel?: 'email' | 'webhook';
  webhookUrl?: string;
}

export interface NextOrderOffer {
  code?: string;
  percent: number;
  validDays?: number;
}

export type DisputeOption =
  | { type: 'partial_refund'; amount: number; currency: string }
  | { type: 'resend' }
  | { type: 'next_order_discount'; percent: number };

export const DEFAULT_PROFILE: Profile = {
  milestones: { shipped: true, day1: true, customs: true, post_office: true, day14: true, delay: true, pickup_reminder: true, feedback_thanks: true, dispute_reply: true },
  delays: { day1: 'P1D', day14: 'P14D' },
  sendWindow: { start: '09:00', end: '20:00' },
  transitDays: null,
  trackingUrl: null,
  // Past these, a message says something no longer true ("shipped today") or useless.
  staleAfter: { shipped: 'P2D', day1: 'P2D', customs: 'P3D', post_office: 'P2D', day14: 'P7D', delay: 'P2D', pickup_reminder: 'P1D', feedback_thanks: 'P7D', dispute_reply: 'P2D' },
  delayAfterSilentDays: null,
  reviewAfterDelivery: 'P3D',
  pickupReminders: ['P3D', 'P7D'],
};

export interface ProfileKey {
  carrier: string;
  country: string;
  store: string;
}

/** store beats carrier beats country; two keys beat one. */
function specificity(rule: ProfileRule): number {
  return (rule.store ? 4 : 0) + (rule.carrier ? 2 : 0) + (rule.country ? 1 : 0);
}

function matches(rule: ProfileRule, key: ProfileKey): boolean {
  return (
    (!rule.carrier || rule.carrier === key.carrier) &&
    (!rule.country || rule.country === key.country) &&
    (!rule.store || rule.store === key.store)
  );
}

function merge(base: Profile, over: ProfileOverride): Profile {
  return {
    milestones: { ...base.milestones, ...over.milestones },
    delays: { ...base.delays, ...over.delays },
    sendWindow: over.sendWindow ?? base.sendWindow,
    transitDays: over.transitDays ?? base.transitDays,
    trackingUrl: over.trackingUrl ?? base.trackingUrl,
    staleAfter: { ...base.staleAfter, ...over.staleAfter },
    delayAfterSilentDays: over.delayAfterSilentDays ?? base.delayAfterSilentDays,
    reviewAfterDelivery: over.reviewAfterDelivery ?? base.reviewAfterDelivery,
    pickupReminders: over.pickupReminders ?? base.pickupReminders,
  };
}

/**
 * Resolves the profile for a key: built-in defaults, then the config's defaults,
 * then the store's own profile, then each matching rule from least to most specific.
 */
export function resolveProfile(
  key: ProfileKey,
  defaults: ProfileOverride,
  rules: readonly ProfileRule[],
  store?: StoreIdentity,
): Profile {
  let profile = merge(DEFAULT_PROFILE, defaults);
  const storeRule: ProfileRule[] = store?.profile ? [{ ...store.profile, store: key.store }] : [];
  const applicable = [...storeRule, ...rules]
    .map((rule, index) => ({ rule, index }))
    .filter(({ rule }) => matches(rule, key))
    .sort((a, b) => specificity(a.rule) - specificity(b.rule) || a.index - b.index);
  for (const { rule } of applicable) profile = merge(profile, rule);
  return profile;
}

/** The profile that applies to an order's lane and store (built from the config by services/profiles.ts). */
export type ProfileResolver = (order: Pick<Order, 'carrier' | 'country' | 'store'>) => Profile;
