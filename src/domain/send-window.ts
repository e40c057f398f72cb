import { DateTime } from 'luxon';
import { DAY_MS, fromWall, toWall, wallTimeOfDay } from './wall-clock.js';

/** "HH:mm" → minutes after midnight; "24:00" is the end of the day. */
export function parseClockTime(value: string): number | null {
  let minutes = clockTimes.get(value);
  if (minutes === undefined) {
    minutes = readClockTime(value);
    // A profile has a handful of window edges; anything else (a typo in every row?) is not kept.
    if (clockTimes.size < 1000) clockTimes.set(value, minutes);
  }
  return minutes;
}

/** Parsed once per distinct value: the planner asks for each send of each order. */
const clockTimes = new Map<string, number | null>();

function readClockTime(value: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : null;
}

/**
 * Moves an instant (ms) into the buyer's send window: a message due outside
 * [start, end) local time goes at the next window start. Windows may cross
 * midnight (start > end). Works on the buyer's wall clock, so DST is the zone's.
 */
export function windowedMs(dueMs: number, zone: string, window: { start: string; end: string }): number {
  const start = (parseClockTime(window.start) ?? 0) * 60_000;
  const end = (parseClockTime(window.end) ?? 24 * 60) * 60_000;
  if (start === end || (start === 0 && end === DAY_MS)) return dueMs;
  const wall = toWall(dueMs, zone);
  const timeOfDay = wallTimeOfDay(wall);
  const inside = start < end ? timeOfDay >= start && timeOfDay < end : timeOfDay >= start || timeOfDay < end;
  if (inside) return dueMs;
  const todayStart = wall - timeOfDay + start;
  // Before today's start: today's start. After today's end: tomorrow's start.
  return fromWall(todayStart > wall ? todayStart : todayStart + DAY_MS, zone);
}

export function applySendWindow(due: DateTime, zone: string, window: { start: string; end: string }): DateTime {
  return DateTime.fromMillis(windowedMs(due.toMillis(), zone, window), { zone: 'utc' });
}
