import type { DateTime } from 'luxon';

/** "HH:mm" → minutes after midnight; "24:00" is the end of the day. */
export function parseClockTime(value: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : null;
}

/**
 * Moves an instant into the buyer's send window: a message due outside
 * [start, end) local time goes at the next window start. Windows may cross
 * midnight (start > end). Works in the buyer's zone, so DST is the zone's.
 */
export function applySendWindow(due: DateTime, zone: string, window: { start: string; end: string }): DateTime {
  const start = parseClockTime(window.start) ?? 0;
  const end = parseClockTime(window.end) ?? 24 * 60;
  if (start === end || (start === 0 && end === 24 * 60)) return due.toUTC();
  const local = due.setZone(zone);
  const minute = local.hour * 60 + local.minute + local.second / 60 + local.millisecond / 60000;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (inside) return due.toUTC();
  const atStart = (day: DateTime) =>
    day.set({ hour: Math.floor(start / 60), minute: start % 60, second: 0, millisecond: 0 });
  const sameDay = atStart(local);
  // Before today's start: today's start. After today's end: tomorrow's start.
  return (sameDay > local ? sameDay : atStart(local.plus({ days: 1 }))).toUTC();
}
