import type { DateTime } from 'luxon';
import type { CarrierClass } from './carriers.js';
import type { Order } from './order.js';
import type { Profile } from './profile.js';
import { expectedDates, type TransitDays } from './transit.js';
import { DAY_MS, fromWall, toWall, wallDate } from './wall-clock.js';

/**
 * Business days without a tracking update before a delay notice, by carrier
 * class, when the profile sets no `delayAfterSilentDays`. Postal parcels
 * routinely go quiet for a week between the export scan and customs; express
 * parcels are scanned daily, so four quiet days already mean trouble.
 */
export const SILENT_DAYS_BY_CLASS: Record<CarrierClass, number> = { postal: 10, economy: 8, express: 4 };

/** A second notice needs this many times the threshold of further silence; there is never a third. */
export const REPEAT_SILENCE_FACTOR = 2;
export const MAX_DELAY_NOTICES = 2;

/** The new window a delay notice promises, in business days from the notice. */
export const NEW_WINDOW_BY_CLASS: Record<CarrierClass, TransitDays> = {
  postal: { min: 5, max: 15 },
  economy: { min: 4, max: 12 },
  express: { min: 2, max: 5 },
};

/** Orders at or past this stage (post office, pickup) are near the buyer: no delay notice. */
export const DELAY_STAGE_LIMIT = 3;

export interface DelayInput {
  order: Order;
  profile: Profile;
  carrierClass: CarrierClass;
  /** The expected transit (profile override, learned, table or class default). */
  transit: TransitDays;
  /** Destination weekend, ISO weekday numbers. */
  weekend: readonly number[];
  stageRank: number;
  /** Last tracking update the order got, if any. */
  lastEventAt: DateTime | null;
  /**
   * Whether the parcel has a tracking feed (events arrived, or a provider
   * confirmed its registration). Without one, "no tracking update for N days"
   * would be untrue: only the past-the-window notice may go.
   */
  hasFeed: boolean;
  /** Due times of the delay notices already recorded for this order (any status), oldest first. */
  notices: readonly DateTime[];
  now: DateTime;
}

export type DelayVerdict =
  | { due: false; why: string }
  | { due: true; seq: number; reason: 'silent' | 'overdue'; silentDays: number; why: string };

export function silentThreshold(profile: Profile, carrierClass: CarrierClass): number {
  return profile.delayAfterSilentDays ?? SILENT_DAYS_BY_CLASS[carrierClass];
}

/** Business days (destination weekend skipped) after the local day of `from` up to and including the local day of `to`. */
export function businessDaysBetween(from: DateTime, to: DateTime, zone: string, weekend: readonly number[]): number {
  const first = Math.floor(toWall(from.toMillis(), zone) / DAY_MS);
  const last = Math.floor(toWall(to.toMillis(), zone) / DAY_MS);
  let days = 0;
  // Epoch day 0 (1970-01-01) was a Thursday, ISO weekday 4.
  for (let day = first + 1; day <= last; day += 1) if (!weekend.includes(((day + 3) % 7) + 1)) days += 1;
  return days;
}

/** True once the buyer's local date is past the last day of the expected window. */
export function isOverdue(order: Order, transit: TransitDays, weekend: readonly number[], at: DateTime): boolean {
  const zone = order.buyerTimezone;
  const window = expectedDates(toWall(order.shippedAt.toMillis(), zone), transit, weekend);
  return wallDate(toWall(at.toMillis(), zone)) > window.to;
}

/**
 * Whether an order is due a delay notice now. Pure; the watch job loads the
 * facts. First notice: `threshold` business days without an update (counted
 * from the last event, else shipped-at), or past the expected window. Second:
 * only after REPEAT_SILENCE_FACTOR x threshold further business days of silence
 * since both the first notice and the last event. Never a third, never after
 * delivery, return or cancel, never once the parcel reached the post office.
 */
export function checkDelay(input: DelayInput): DelayVerdict {
  const { order, now, notices } = input;
  if (order.state !== 'active') return { due: false, why: `order ${order.state}` };
  if (input.stageRank >= DELAY_STAGE_LIMIT) return { due: false, why: 'parcel at the destination post office' };
  if (notices.length >= MAX_DELAY_NOTICES) return { due: false, why: 'two delay notices already' };
  const zone = order.buyerTimezone;
  const threshold = silentThreshold(input.profile, input.carrierClass);
  const lastNews = input.lastEventAt ?? order.shippedAt;
  if (notices.length === 0) {
    const silentDays = businessDaysBetween(lastNews, now, zone, input.weekend);
    if (input.hasFeed && silentDays >= threshold) {
      return { due: true, seq: 0, reason: 'silent', silentDays, why: `no tracking update for ${silentDays} business days (threshold ${threshold})` };
    }
    if (isOverdue(order, input.transit, input.weekend, now)) {
      return { due: true, seq: 0, reason: 'overdue', silentDays, why: `past the expected window (${input.transit.min}-${input.transit.max} business days)` };
    }
    if (!input.hasFeed) return { due: false, why: 'no tracking feed: only a parcel past its expected window gets a notice' };
    return { due: false, why: `silent ${silentDays} of ${threshold} business days, within the window` };
  }
  // A second notice speaks of further silence: only a parcel with a feed can be silent.
  if (!input.hasFeed) return { due: false, why: 'first notice sent; no tracking feed to fall silent' };
  const since = notices[0] > lastNews ? notices[0] : lastNews;
  const further = businessDaysBetween(since, now, zone, input.weekend);
  const needed = threshold * REPEAT_SILENCE_FACTOR;
  if (further >= needed) {
    const silentDays = businessDaysBetween(lastNews, now, zone, input.weekend);
    return { due: true, seq: 1, reason: 'silent', silentDays, why: `${further} further business days of silence after the first notice (needs ${needed})` };
  }
  return { due: false, why: `first notice sent; ${further} of ${needed} further silent business days` };
}

/** Facts a delay message states: the new window from the notice's moment, and the silence so far. */
export function delayFacts(
  order: Order,
  carrierClass: CarrierClass,
  transit: TransitDays,
  weekend: readonly number[],
  lastEventAt: DateTime | null,
  at: DateTime,
): { newFrom: string; newTo: string; silentDays: number; overdue: boolean } {
  const zone = order.buyerTimezone;
  const window = expectedDates(toWall(at.toMillis(), zone), NEW_WINDOW_BY_CLASS[carrierClass], weekend);
  return {
    newFrom: window.from,
    newTo: window.to,
    silentDays: businessDaysBetween(lastEventAt ?? order.shippedAt, at, zone, weekend),
    overdue: isOverdue(order, transit, weekend, at),
  };
}

/** The instant the buyer's local day `days` after the local day of `from` begins. */
function localDayStart(fromUtcMs: number, days: number, zone: string): number {
  const wallDay = Math.floor(toWall(fromUtcMs, zone) / DAY_MS) + days;
  return fromWall(wallDay * DAY_MS, zone);
}

/** The first instant at which `businessDaysBetween(from, instant) >= n`. */
function afterBusinessDays(from: DateTime, n: number, zone: string, weekend: readonly number[]): number {
  const first = Math.floor(toWall(from.toMillis(), zone) / DAY_MS);
  let counted = 0;
  let day = first;
  // Bounded: n <= 120 business days, and a week has at least one business day.
  while (counted < n && day - first < 7 * 130) {
    day += 1;
    if (!weekend.includes(((day + 3) % 7) + 1)) counted += 1;
  }
  return localDayStart(from.toMillis(), day - first, zone);
}

/**
 * When the delay watch next needs to look at this order: the earliest instant
 * a notice could fall due if nothing else happens (no tracking update), or
 * null when none ever can (not active, near the buyer, two notices sent). An
 * event arriving moves it (the caller sets it to "now" to recompute). Pure.
 */
export function nextDelayCheck(input: Omit<DelayInput, 'now'>): number | null {
  const { order, notices } = input;
  if (order.state !== 'active' || input.stageRank >= DELAY_STAGE_LIMIT || notices.length >= MAX_DELAY_NOTICES) return null;
  const zone = order.buyerTimezone;
  const threshold = silentThreshold(input.profile, input.carrierClass);
  const lastNews = input.lastEventAt ?? order.shippedAt;
  if (notices.length === 0) {
    const window = expectedDates(toWall(order.shippedAt.toMillis(), zone), input.transit, input.weekend);
    // Overdue from the start of the local day after the window's last day.
    const [y, m, d] = window.to.split('-').map(Number);
    const overdueAt = fromWall(Date.UTC(y, m - 1, d + 1), zone);
    const silentAt = input.hasFeed ? afterBusinessDays(lastNews, threshold, zone, input.weekend) : Infinity;
    return Math.min(overdueAt, silentAt);
  }
  if (!input.hasFeed) return null;
  const since = notices[0] > lastNews ? notices[0] : lastNews;
  return afterBusinessDays(since, threshold * REPEAT_SILENCE_FACTOR, zone, input.weekend);
}
