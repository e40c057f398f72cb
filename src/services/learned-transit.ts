import { findCarrier } from '../domain/carriers.js';
import { countryInfo } from '../domain/countries.js';
import { TRANSIT_TABLE, type TransitTable } from '../domain/data/transit-table.js';
import { transitFor } from '../domain/transit.js';
import { DAY_MS, toWall } from '../domain/wall-clock.js';
import type { Ledger } from '../store/ledger-api.js';

/** Below this many delivered orders for a carrier x country, the built-in window stays. */
export const MIN_SAMPLES = 20;
/** How long a computed table is reused: it may be asked for on every message. */
export const CACHE_TTL_MS = 5 * 60_000;

export interface LearnedTransit {
  /** Window for texts and thresholds: min = median, max = p90 (rounded, max >= min). */
  min: number;
  max: number;
  medianDays: number;
  p90Days: number;
  samples: number;
}

/** Business days of the destination from the shipping day (exclusive) to the delivery day (inclusive). */
export function businessDaysBetween(shippedWallMs: number, deliveredWallMs: number, weekend: readonly number[]): number {
  const from = Math.floor(shippedWallMs / DAY_MS);
  const to = Math.floor(deliveredWallMs / DAY_MS);
  let days = 0;
  for (let day = from + 1; day <= to; day += 1) {
    // Epoch day 0 (1970-01-01) was a Thursday, ISO weekday 4.
    if (!weekend.includes(((day + 3) % 7) + 1)) days += 1;
  }
  return days;
}

/** Median (mean of the middle two for an even count) and nearest-rank 90th percentile. */
export function summarize(days: readonly number[]): LearnedTransit | null {
  if (days.length < MIN_SAMPLES) return null;
  const sorted = [...days].sort((a, b) => a - b);
  const n = sorted.length;
  const medianDays = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const p90Days = sorted[Math.ceil(0.9 * n) - 1]!;
  const min = Math.round(medianDays);
  return { min, max: Math.max(min, Math.round(p90Days)), medianDays, p90Days, samples: n };
}

interface Learned {
  byLane: Map<string, { days: number[]; learned: LearnedTransit | null }>;
  lanes: Array<{ carrier: string; country: string; orders: number }>;
}

const laneKey = (carrier: string, country: string): string => `${carrier}|${country}`;

async function compute(ledger: Ledger): Promise<Learned> {
  const byLane = new Map<string, { days: number[]; learned: LearnedTransit | null }>();
  for (const row of await ledger.deliveredParcels()) {
    const weekend = countryInfo(row.country).weekend;
    const days = businessDaysBetween(toWall(row.shippedAt, row.timezone), toWall(row.deliveredAt, row.timezone), weekend);
    const key = laneKey(row.carrier, row.country);
    let lane = byLane.get(key);
    if (!lane) byLane.set(key, (lane = { days: [], learned: null }));
    lane.days.push(days);
  }
  for (const lane of byLane.values()) lane.learned = summarize(lane.days);
  return { byLane, lanes: await ledger.laneOrderCounts() };
}

// Keyed by the ledger's identity, which its transactions share: a send inside one still hits the cache.
const cache = new WeakMap<object, { at: number; value: Promise<Learned> }>();

function learnedFor(ledger: Ledger): Promise<Learned> {
  const hit = cache.get(ledger.identity);
  // A cache age, not domain time: performance.now() is monotonic and never mocked.
  const at = performance.now();
  if (hit && at - hit.at < CACHE_TTL_MS) return hit.value;
  const value = compute(ledger);
  cache.set(ledger.identity, { at, value });
  // A failed count is not cached: the next caller tries again.
  value.catch(() => cache.get(ledger.identity)?.value === value && cache.delete(ledger.identity));
  return value;
}

/** Drops the cached table (tests, or after a bulk import). */
export function forgetLearnedTransit(ledger: Ledger): void {
  cache.delete(ledger.identity);
}

function carrierCode(carrier: string): string {
  return findCarrier(carrier)?.code ?? carrier.trim().toLowerCase();
}

/** The learned window for a carrier x country, or null with fewer than 20 delivered orders. */
export async function learnedTransit(ledger: Ledger, carrier: string, country: string): Promise<LearnedTransit | null> {
  return (await learnedFor(ledger)).byLane.get(laneKey(carrierCode(carrier), country.toUpperCase()))?.learned ?? null;
}

/**
 * The transit table for one order's lane: the built-in table with the learned
 * row in place of the carrier class's row, or undefined when nothing is learned
 * (buildContext then uses the built-in table). For `buildContext({ transitTable })`.
 */
export async function learnedTransitTable(ledger: Ledger, carrier: string, country: string): Promise<TransitTable | undefined> {
  const learned = await learnedTransit(ledger, carrier, country);
  const known = findCarrier(carrier);
  if (!learned || !known) return undefined;
  const cc = country.toUpperCase();
  const basis = `learned from ${learned.samples} deliveries: median ${learned.medianDays}, p90 ${learned.p90Days} business days`;
  return { ...TRANSIT_TABLE, [cc]: { ...TRANSIT_TABLE[cc], [known.class]: { min: learned.min, max: learned.max, basis } } };
}

export interface TransitReportRow {
  carrier: string;
  country: string;
  orders: number;
  builtin: { min: number; max: number; basis: string };
  samples: number;
  learned: LearnedTransit | null;
  /** The window texts use now (profile overrides aside). */
  inUse: 'learned' | 'builtin';
}

/** Built-in vs learned per carrier x country seen in the ledger (plus the filtered lane, if asked). */
export async function transitReport(ledger: Ledger, filter: { carrier?: string; country?: string } = {}): Promise<TransitReportRow[]> {
  const { byLane, lanes } = await learnedFor(ledger);
  const carrier = filter.carrier === undefined ? undefined : carrierCode(filter.carrier);
  const country = filter.country?.toUpperCase();
  const picked = lanes.filter((l) => (!carrier || l.carrier === carrier) && (!country || l.country === country));
  if (carrier && country && picked.length === 0) picked.push({ carrier, country, orders: 0 });
  return picked.map((lane) => {
    const entry = byLane.get(laneKey(lane.carrier, lane.country));
    const cls = findCarrier(lane.carrier)?.class ?? 'postal';
    const builtin = transitFor(cls, lane.country);
    const learned = entry?.learned ?? null;
    return {
      carrier: lane.carrier,
      country: lane.country,
      orders: lane.orders,
      builtin: { min: builtin.min, max: builtin.max, basis: builtin.basis },
      samples: entry?.days.length ?? 0,
      learned,
      inUse: learned ? 'learned' : 'builtin',
    };
  });
}
