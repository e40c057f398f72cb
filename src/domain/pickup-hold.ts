import { findCarrier } from './carriers.js';
import { PICKUP_HOLDS, type PickupHold } from './data/pickup-holds.js';

/** The hold that applies to a carrier x country, or null when unknown (then no date is promised). */
export function pickupHoldFor(carrier: string, country: string, holds: readonly PickupHold[] = PICKUP_HOLDS): PickupHold | null {
  const found = findCarrier(carrier);
  if (!found) return null;
  return (
    holds.find((h) => h.country === country && (h.carriers === 'postal-lines' ? found.class !== 'express' : h.carriers.includes(found.code))) ?? null
  );
}
