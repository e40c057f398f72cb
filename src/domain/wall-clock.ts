import { Duration, IANAZone } from 'luxon';

/**
 * Fast wall-clock arithmetic in IANA zones for the planner's hot path.
 * Luxon recomputes zone offsets through Intl on every zone-aware operation
 * (~20-60 µs each); planning 100,000 orders needs microseconds. Offsets are
 * memoized per 15-minute bucket (real zones only change offset on quarter
 * hours). "Wall" time is epoch milliseconds of the local calendar reading, as
 * if the zone were UTC: adding a calendar day to it is adding 86,400,000.
 */
const BUCKET_MS = 15 * 60 * 1000;
export const DAY_MS = 86_400_000;

const offsetCaches = new Map<string, { zone: IANAZone; byBucket: Map<number, number> }>();

/** The zone's UTC offset in minutes at an instant. */
export function offsetMinutes(zoneName: string, utcMs: number): number {
  let cache = offsetCaches.get(zoneName);
  if (!cache) {
    cache = { zone: IANAZone.create(zoneName), byBucket: new Map() };
    offsetCaches.set(zoneName, cache);
  }
  const bucket = Math.floor(utcMs / BUCKET_MS);
  let offset = cache.byBucket.get(bucket);
  if (offset === undefined) {
    offset = cache.zone.offset(bucket * BUCKET_MS);
    if (cache.byBucket.size > 100_000) cache.byBucket.clear();
    cache.byBucket.set(bucket, offset);
  }
  return offset;
}

export function toWall(utcMs: number, zoneName: string): number {
  return utcMs + offsetMinutes(zoneName, utcMs) * 60_000;
}

/**
 * The instant a wall-clock reading happens. A reading inside a DST gap moves
 * forward (02:30 on a spring-forward night becomes 03:30), as luxon does.
 */
export function fromWall(wallMs: number, zoneName: string): number {
  const o1 = offsetMinutes(zoneName, wallMs);
  let utc = wallMs - o1 * 60_000;
  const o2 = offsetMinutes(zoneName, utc);
  if (o1 === o2) return utc;
  utc = wallMs - o2 * 60_000;
  const o3 = offsetMinutes(zoneName, utc);
  if (o2 === o3) return utc;
  return wallMs - Math.min(o2, o3) * 60_000;
}

/** Milliseconds since local midnight. */
export function wallTimeOfDay(wallMs: number): number {
  return ((wallMs % DAY_MS) + DAY_MS) % DAY_MS;
}

interface ParsedDuration {
  /** Calendar days (weeks included), added to the wall clock. */
  days: number;
  /** Months and years, added by luxon (rare; variable length). */
  months: number;
  /** Hours and smaller, added to the instant. */
  exactMs: number;
  iso: string;
}

const durations = new Map<string, ParsedDuration>();

export function parseDuration(iso: string): ParsedDuration {
  let parsed = durations.get(iso);
  if (!parsed) {
    const d = Duration.fromISO(iso);
    if (!d.isValid) throw new Error(`"${iso}" is not an ISO-8601 duration`);
    const o = d.toObject();
    parsed = {
      days: (o.days ?? 0) + 7 * (o.weeks ?? 0),
      months: (o.months ?? 0) + 12 * (o.years ?? 0) + 3 * (o.quarters ?? 0),
      exactMs: Duration.fromObject({ hours: o.hours, minutes: o.minutes, seconds: o.seconds, milliseconds: o.milliseconds }).toMillis(),
      iso,
    };
    durations.set(iso, parsed);
  }
  return parsed;
}

/** Adds a duration the way luxon does: calendar parts on the wall clock, the rest as elapsed time. */
export function addInZone(utcMs: number, iso: string, zoneName: string): number {
  const d = parseDuration(iso);
  let wall = toWall(utcMs, zoneName) + d.days * DAY_MS;
  if (d.months !== 0) {
    const date = new Date(wall);
    date.setUTCMonth(date.getUTCMonth() + d.months);
    wall = date.getTime();
  }
  const base = d.days === 0 && d.months === 0 ? utcMs : fromWall(wall, zoneName);
  return base + d.exactMs;
}

/** A duration's nominal length in ms (days as 24 h), for staleness limits. */
export function durationMs(iso: string): number {
  const d = parseDuration(iso);
  return d.days * DAY_MS + d.months * 30 * DAY_MS + d.exactMs;
}

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

/** ISO-8601 with the zone's offset, e.g. `2026-11-20T10:00:00.000+01:00` (what luxon's toISO gives). */
export function isoInZone(utcMs: number, zoneName: string): string {
  const offset = offsetMinutes(zoneName, utcMs);
  const local = new Date(utcMs + offset * 60_000).toISOString().slice(0, 23);
  const sign = offset < 0 ? '-' : '+';
  return `${local}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** The local calendar date `YYYY-MM-DD` of a wall-clock reading. */
export function wallDate(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a wall-clock reading. */
export function wallWeekday(wallMs: number): number {
  return new Date(wallMs).getUTCDay() || 7;
}
