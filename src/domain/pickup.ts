import type { DateTime } from 'luxon';
import type { Order } from './order.js';
import { planAt, type PlannedSend } from './plan.js';
import type { Profile } from './profile.js';
import { addInZone, isoInZone, toWall, wallDate } from './wall-clock.js';

/**
 * How long a post office usually keeps a parcel for pickup before it goes
 * back (USPS, Correos, La Poste, Poste Italiane: about 15 days; some less).
 * The reminder names a date this far after the pickup notice, as "about".
 */
export const PICKUP_HOLD = 'P14D';

/**
 * Reminders after an "available for pickup" event, one per `profile.pickupReminders`
 * duration (default 3 and 7 days), seq 0, 1, ... inside the send window.
 */
export function planPickupReminders(order: Order, pickupAt: DateTime, profile: Profile, now: DateTime): PlannedSend[] {
  return profile.pickupReminders.map((duration, seq) => ({
    ...planAt(order, 'pickup_reminder', addInZone(pickupAt.toMillis(), duration, order.buyerTimezone), profile, now),
    seq,
  }));
}

/** What a pickup reminder states: since when it waits and until about when (buyer-local dates). */
export function pickupFacts(
  order: Order,
  pickupAt: DateTime,
  seq: number,
  profile: Profile,
): { since: string; until: string; final: boolean } {
  const zone = order.buyerTimezone;
  const until = addInZone(pickupAt.toMillis(), PICKUP_HOLD, zone);
  return {
    since: isoInZone(pickupAt.toMillis(), zone),
    until: wallDate(toWall(until, zone)),
    final: seq >= profile.pickupReminders.length - 1,
  };
}
