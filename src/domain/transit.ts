import type { DateTime } from 'luxon';
import type { CarrierClass } from './carriers.js';
import { DAY_MS, wallDate, wallWeekday } from './wall-clock.js';
import { TRANSIT_TABLE, type TransitTable } from './data/transit-table.js';

export interface TransitDays {
  min: number;
  max: number;
}

/**
 * Built-in expectations by carrier class when nothing more specific is known.
 * Assumption: parcels from mainland China to a major destination, business days.
 */
export const CLASS_TRANSIT: Record<CarrierClass, TransitDays> = {
  postal: { min: 15, max: 30 },
  economy: { min: 10, max: 20 },
  express: { min: 3, max: 7 },
};

/** Where an expectation came from: the profile's override, the class x country table, or the class default. */
export type TransitBasis = 'profile' | 'table' | 'class';

export interface TransitExpectation extends TransitDays {
  basis: TransitBasis;
  /** What the figure assumes or where it comes from (the table's note). */
  note: string;
}

/** The expected transit for a carrier class to a country: table row, else the class default. */
export function transitFor(carrierClass: CarrierClass, country: string, table: TransitTable = TRANSIT_TABLE): TransitExpectation {
  const row = table[country]?.[carrierClass];
  if (row) return { min: row.min, max: row.max, basis: 'table', note: row.basis };
  const fallback = CLASS_TRANSIT[carrierClass];
  return { ...fallback, basis: 'class', note: `class default for ${carrierClass} (no row for ${country})` };
}

/** Calendar days spanned by `days` business days starting after a day with ISO weekday `weekday`. */
export function calendarDaysFor(weekday: number, days: number, weekend: readonly number[]): number {
  let calendarDays = 0;
  let left = days;
  while (left > 0) {
    calendarDays += 1;
    weekday = (weekday % 7) + 1;
    if (!weekend.includes(weekday)) left -= 1;
  }
  return calendarDays;
}

/** Adds business days (skipping the destination's weekend) in the zone of `start`. */
export function addBusinessDays(start: DateTime, days: number, weekend: readonly number[]): DateTime {
  // Count on weekday numbers, then move once: a zoned plus() per day is slow (offset lookups).
  return start.plus({ days: calendarDaysFor(start.weekday, days, weekend) });
}

/** The expected window as local calendar dates (`YYYY-MM-DD`), from shipped-at on the buyer's wall clock. */
export function expectedDates(
  shippedWallMs: number,
  transit: TransitDays,
  weekend: readonly number[],
): { from: string; to: string } {
  const weekday = wallWeekday(shippedWallMs);
  return {
    from: wallDate(shippedWallMs + calendarDaysFor(weekday, transit.min, weekend) * DAY_MS),
    to: wallDate(shippedWallMs + calendarDaysFor(weekday, transit.max, weekend) * DAY_MS),
  };
}

/** The expected arrival window for a parcel shipped at `shippedAt` (in the buyer's zone). */
export function expectedWindow(
  shippedAt: DateTime,
  transit: TransitDays,
  weekend: readonly number[],
): { from: DateTime; to: DateTime } {
  return { from: addBusinessDays(shippedAt, transit.min, weekend), to: addBusinessDays(shippedAt, transit.max, weekend) };
}
