import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseIsoMillis } from '../../../src/domain/iso-time.js';

describe('parseIsoMillis', () => {
  it('agrees with luxon on zoned date-times across years, offsets and precisions', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    for (let i = 0; i < 2000; i++) {
      const offset = rand(3) === 0 ? 'Z' : `${rand(2) ? '+' : '-'}${pad(rand(15))}:${pad(rand(4) * 15)}`;
      const seconds = rand(3) === 0 ? '' : `:${pad(rand(60))}${rand(2) ? `.${rand(1000)}` : ''}`;
      const text = `${2000 + rand(40)}-${pad(1 + rand(12))}-${pad(1 + rand(31))}T${pad(rand(24))}:${pad(rand(60))}${seconds}${offset}`;
      const expected = DateTime.fromISO(text, { zone: 'utc' }).toMillis();
      expect(parseIsoMillis(text, 'utc'), text).toEqual(expected);
    }
  });

  it('refuses days a month does not have, which Date.parse would roll over', () => {
    expect(Date.parse('2026-02-30T00:00:00Z')).not.toBeNaN();
    expect(parseIsoMillis('2026-02-30T00:00:00Z')).toBeNaN();
    expect(parseIsoMillis('2026-02-29T00:00:00Z')).toBeNaN();
    expect(parseIsoMillis('2028-02-29T00:00:00Z')).toBe(Date.UTC(2028, 1, 29));
    expect(parseIsoMillis('2026-13-01T00:00:00Z')).toBeNaN();
  });

  it('reads a time without an offset in the zone given, through luxon', () => {
    expect(parseIsoMillis('2026-11-20T08:30:00', 'utc')).toBe(Date.UTC(2026, 10, 20, 8, 30));
    expect(parseIsoMillis('2026-11-20T08:30:00', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 20, 0, 30));
    expect(parseIsoMillis('2026-11-20', 'utc')).toBe(Date.UTC(2026, 10, 20));
    expect(parseIsoMillis('yesterday')).toBeNaN();
  });
});
