import type { DateTime } from 'luxon';
import type { PickupHold } from './data/pickup-holds.js';
import type { Order } from './order.js';
import { pickupHoldFor } from './pickup-hold.js';
import { planAt, type PlannedSend } from './plan.js';
import type { Profile } from './profile.js';
import { addInZone, isoInZone, toWall, wallDate } from './wall-clock.js';


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

/**
 * What a pickup reminder states: since when it waits and, when the hold table
 * knows the carrier x country, until about when (buyer-local dates); else
 * `until` is null and the letter promises no date.
 */
export function pickupFacts(
  order: Order,
  pickupAt: DateTime,
  seq: number,
  profile: Profile,
  holds?: readonly PickupHold[],
): { since: string; until: string | null; holdDays: number | null; final: boolean } {
  const zone = order.buyerTimezone;
  const hold = pickupHoldFor(order.carrier, order.country, holds);
  const until = hold ? addInZone(pickupAt.toMillis(), `P${hold.days}D`, zone) : null;
  return {
    since: isoInZone(pickupAt.toMillis(), zone),
    until: until === null ? null : wallDate(toWall(until, zone)),
    holdDays: hold?.days ?? null,
    final: seq >= profile.pickupReminders.length - 1,
  };
}
