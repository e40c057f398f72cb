import type { ConfigFile } from '../config/config-file.js';
import { findCarrier } from '../domain/carriers.js';
import { countryInfo } from '../domain/countries.js';
import { DEFAULT_PROTECTION_DAYS } from '../domain/protection.js';
import { extendProtectionUntil, LOW_RATING_MAX } from '../domain/replies.js';
import { transitFor } from '../domain/transit.js';
import type { Ledger } from '../store/ledger-api.js';
import { learnedTransit } from './learned-transit.js';

/** A buyer who says the parcel did not come: the seller should extend protection before it runs out. */
export interface ProtectionExtension {
  orderId: string;
  store: string;
  /** Extend to this instant (UTC ms): the deadline pushed out by the lane's p90. */
  until: number;
  /** The p90 used, in business days, and where it came from. */
  p90Days: number;
  basis: 'learned' | 'built-in';
  line: string;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Open "not received" disputes of undelivered orders, with the date to extend protection to. */
export async function protectionExtensions(ledger: Ledger, file: Pick<ConfigFile, 'stores'>, options: { store?: string } = {}): Promise<ProtectionExtension[]> {
  const disputes = await ledger.openNotReceivedDisputes(options.store);
  const out: ProtectionExtension[] = [];
  for (const d of disputes) {
    const learned = await learnedTransit(ledger, d.carrier, d.country);
    const carrierClass = findCarrier(d.carrier)?.class ?? 'postal';
    const p90Days = learned ? Math.round(learned.p90Days) : transitFor(carrierClass, d.country).max;
    const until = extendProtectionUntil({
      shippedAt: d.shippedAt,
      protectionDays: file.stores[d.store]?.protectionDays ?? DEFAULT_PROTECTION_DAYS,
      p90BusinessDays: p90Days,
      weekend: countryInfo(d.country).weekend,
    });
    const basis = learned ? ('learned' as const) : ('built-in' as const);
    out.push({
      orderId: d.orderId, store: d.store, until, p90Days, basis,
      line: `extend protection for order ${d.orderId} until ${day(until)} (buyer says not received, dispute opened ${day(d.openedAt)}; ${d.country} ${d.carrier} p90 ${p90Days} business days, ${basis})`,
    });
  }
  return out;
}

export interface LowRatingAttention {
  orderId: string;
  store: string;
  rating: number;
  leftAt: number;
  line: string;
}

/** Ratings of 2 or less in [since, now], with the documents' recovery advice for the seller. */
export async function lowRatingAttention(ledger: Ledger, options: { now: number; since: number; store?: string }): Promise<LowRatingAttention[]> {
  return (await ledger.lowRatings({ maxRating: LOW_RATING_MAX, since: options.since, until: options.now, store: options.store })).map((r) => ({
    orderId: r.orderId,
    store: r.store,
    rating: r.rating,
    leftAt: r.leftAt,
    line:
      `order ${r.orderId} rated ${r.rating}/5 by ${r.buyerName || r.buyerEmail} on ${day(r.leftAt)}${r.comment ? `: "${r.comment.slice(0, 200)}"` : ''}` +
      ' — write to the buyer: apologise, offer to make it right, ask what went wrong and for photos',
  }));
}
