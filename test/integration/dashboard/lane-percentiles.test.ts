import { describe, expect, it } from 'vitest';
import { percentiles } from '../../../src/http/dashboard/lanes.js';
import { summarize } from '../../../src/services/learned-transit.js';

describe('lane percentiles from a histogram', () => {
  it('agree with learned-transit summarize() on the same days (median, nearest-rank p90)', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let round = 0; round < 50; round++) {
      const days = Array.from({ length: 20 + (next() % 200) }, () => next() % 40);
      const histogram = new Map<number, number>();
      for (const d of days) histogram.set(d, (histogram.get(d) ?? 0) + 1);
      const learned = summarize(days)!;
      expect(percentiles(histogram)).toEqual({ n: days.length, median: learned.medianDays, p90: learned.p90Days });
    }
  });

  it('is empty for a lane without deliveries', () => {
    expect(percentiles(new Map())).toEqual({ n: 0, median: null, p90: null });
  });
});
