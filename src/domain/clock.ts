import { DateTime } from 'luxon';

/** Time is an argument: domain code takes `now`, services take a Clock. */
export interface Clock {
  now(): DateTime;
}

// fromMillis is half the cost of DateTime.utc(), and the worker asks for the time often.
export const systemClock: Clock = { now: () => DateTime.fromMillis(Date.now(), { zone: 'utc' }) };

/** A clock that stays where it is put; tests move it by hand. */
export class FixedClock implements Clock {
  private current: DateTime;
  constructor(iso: string | DateTime) {
    this.current = typeof iso === 'string' ? DateTime.fromISO(iso, { setZone: true }).toUTC() : iso.toUTC();
  }
  now(): DateTime {
    return this.current;
  }
  set(iso: string | DateTime): void {
    this.current = typeof iso === 'string' ? DateTime.fromISO(iso, { setZone: true }).toUTC() : iso.toUTC();
  }
  advance(duration: Parameters<DateTime['plus']>[0]): void {
    this.current = this.current.plus(duration);
  }
}
