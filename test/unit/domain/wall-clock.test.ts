import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addInZone, fromWall, toWall } from '../../../src/domain/wall-clock.js';

const ZONES = ['Europe/Madrid', 'America/New_York', 'America/Sao_Paulo', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];

// A deterministic spread of instants over two years, dense around DST changes.
function instants(): number[] {
  const out: number[] = [];
  let x = 12345;
  for (let i = 0; i < 400; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(Date.UTC(2025, 0, 1) + Math.floor((x / 2 ** 31) * 2 * 365 * 86_400_000));
  }
  return out;
}

describe('wall-clock arithmetic agrees with luxon', () => {
  it.each(ZONES)('in %s: local readings and calendar-day additions', (zone) => {
    for (const ms of instants()) {
      const luxon = DateTime.fromMillis(ms, { zone });
      expect(toWall(ms, zone)).toBe(ms + luxon.offset * 60_000);
      // In the repeated hour of a fall-back night a reading has two instants; either reads the same.
      expect(toWall(fromWall(toWall(ms, zone), zone), zone)).toBe(toWall(ms, zone));
      for (const iso of ['P1D', 'P14D', 'PT2S', 'P1DT3H', 'P2W']) {
        expect(addInZone(ms, iso, zone)).toBe(luxon.plus(durationObject(iso)).toMillis());
      }
    }
  });
});

function durationObject(iso: string) {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)S)?)?$/.exec(iso)!;
  return { weeks: Number(match[1] ?? 0), days: Number(match[2] ?? 0), hours: Number(match[3] ?? 0), seconds: Number(match[4] ?? 0) };
}
