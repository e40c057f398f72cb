import { storeConfig, type ConfigFile } from '../config/config-file.js';
import { DEFAULT_PROTECTION_DAYS, ordersAtRisk, type ProtectionStatus } from '../domain/protection.js';
import { DAY_MS } from '../domain/wall-clock.js';
import { DateTime } from 'luxon';
import { businessDaysBetween } from '../domain/delay.js';
import type { Ledger } from '../store/ledger-api.js';
import { type AtRiskCandidate, type LastEvent } from '../store/reports.js';

/** An at-risk order: the ledger's candidate row, its stage named, its latest scan and its protection. */
export interface AtRiskOrder extends Omit<AtRiskCandidate, 'stageRank'> {
  /** Furthest stage reached: `shipped`, `customs`, `post_office`. */
  stage: string;
  lastEvent: LastEvent | null;
  protection: ProtectionStatus;
}

const STAGE_BY_RANK: Record<number, string> = { 0: 'shipped', 1: 'shipped', 2: 'customs', 3: 'post_office', 4: 'delivered', 5: 'returned' };

/** Protection days for a store from the config file (default 60). */
export function protectionDaysFor(file: Pick<ConfigFile, 'stores'>): (store: string) => number {
  return (store) => storeConfig(file, store)?.protectionDays ?? DEFAULT_PROTECTION_DAYS;
}

/**
 * Undelivered active orders whose protection ends within `withinDays` of `now`
 * (or has ended), most urgent first, with their tracking state.
 */
export async function listAtRisk(
  ledger: Ledger,
  file: Pick<ConfigFile, 'stores'>,
  options: { now: number; withinDays: number; store?: string; limit?: number; carrier?: string; country?: string },
): Promise<AtRiskOrder[]> {
  const daysFor = protectionDaysFor(file);
  // SQL narrows by the shortest protection of any store (the earliest possible deadline);
  // the domain function then decides per store.
  const shortest = Math.min(DEFAULT_PROTECTION_DAYS, ...Object.values(file.stores).map((s) => s.protectionDays ?? DEFAULT_PROTECTION_DAYS));
  const cutoff = options.now + (options.withinDays - shortest) * DAY_MS;
  const rows = await ledger.activeOrdersShippedBy({ shippedBy: cutoff, store: options.store, limit: options.limit, carrier: options.carrier, country: options.country });
  const atRisk = ordersAtRisk(rows, { now: options.now, withinDays: options.withinDays, protectionDaysFor: daysFor });
  // All their latest scans at once: on PostgreSQL one statement per thousand orders, not a round trip each.
  const lastEvents = new Map((await ledger.lastEvents(atRisk.map((o) => o.orderId))).map(({ orderId, ...event }) => [orderId, event]));
  return atRisk.map(({ stageRank, ...o }) => ({ ...o, stage: STAGE_BY_RANK[stageRank] ?? 'shipped', lastEvent: lastEvents.get(o.orderId) ?? null }));
}

/** A registration the seller should look at: the provider refused the number, or no scan came. */
export interface TrackingAttention {
  orderId: string;
  store: string;
  trackingNumber: string;
  carrier: string;
  provider: string;
  reason: 'rejected' | 'no_first_scan';
  /** What to tell the seller, with what to do. */
  detail: string;
}

/** Business days (Mon-Fri) a registered parcel may wait for its first scan: after this, the label was likely never handed over. */
export const FIRST_SCAN_BUSINESS_DAYS = 3;

/**
 * Rejected registrations of active orders, and parcels registered at least
 * three business days ago that have not had a single scan (label printed,
 * parcel never picked up?), for `at-risk` and the seller's digest.
 */
export async function trackingAttention(ledger: Ledger, options: { now: number; store?: string }): Promise<TrackingAttention[]> {
  const rows = await ledger.registrationsNeedingAttention(options.now - FIRST_SCAN_BUSINESS_DAYS * DAY_MS, options.store);
  const now = DateTime.fromMillis(options.now, { zone: 'utc' });
  return rows.flatMap((r): TrackingAttention[] => {
    const base = { orderId: r.orderId, store: r.store, trackingNumber: r.trackingNumber, carrier: r.carrier, provider: r.provider };
    if (r.state === 'rejected') {
      return [{ ...base, reason: 'rejected', detail: `${r.provider} refused the number (${r.lastError ?? 'no reason given'}): check it, or correct the carrier with \`postship tracking carrier ${r.orderId} CODE\`` }];
    }
    const days = businessDaysBetween(DateTime.fromMillis(r.registeredAt!, { zone: 'utc' }), now, 'UTC', [6, 7]);
    if (days < FIRST_SCAN_BUSINESS_DAYS) return [];
    return [{ ...base, reason: 'no_first_scan', detail: `registered with ${r.provider} ${days} business days ago and not scanned once: was the parcel handed to the carrier?` }];
  });
}
