import { afterEach, describe, expect, it } from 'vitest';
import {
  businessDaysBetween,
  forgetLearnedTransit,
  learnedTransit,
  learnedTransitTable,
  summarize,
  transitReport,
} from '../../../src/services/learned-transit.js';
import { closeDb, type Db } from '../../../src/store/db.js';
import { sqliteLedger } from '../../../src/store/sqlite-ledger.js';
import { memoryDb, seedEvent, seedOrder } from './seed.js';

const day = (iso: string): number => Date.parse(`${iso}T12:00:00Z`);

/** Seeds `count` delivered china-post→ES orders shipped Monday 2026-03-02, delivered after `calendarDays(i)`. */
function seedLane(db: Db, count: number, deliveredOn: (i: number) => string, carrier = 'china-post', country = 'ES', tag = 'o'): void {
  for (let i = 0; i < count; i += 1) {
    const id = `${tag}-${carrier}-${country}-${i}`;
    seedOrder(db, { orderId: id, carrier, country, shippedAt: '2026-03-02T10:00:00Z', state: 'delivered' });
    seedEvent(db, id, 'delivered', deliveredOn(i));
  }
}

describe('business days shipped → delivered', () => {
  it('skips the destination weekend', () => {
    // Friday → next Monday: Saturday and Sunday do not count (Sat-Sun weekend).
    expect(businessDaysBetween(day('2026-03-06'), day('2026-03-09'), [6, 7])).toBe(1);
    // Israel's weekend is Friday-Saturday: Thursday → Sunday is one business day (Sunday).
    expect(businessDaysBetween(day('2026-03-05'), day('2026-03-08'), [5, 6])).toBe(1);
    expect(businessDaysBetween(day('2026-03-02'), day('2026-03-16'), [6, 7])).toBe(10);
    expect(businessDaysBetween(day('2026-03-02'), day('2026-03-02'), [6, 7])).toBe(0);
  });
});

describe('summarize', () => {
  it('needs 20 samples', () => {
    expect(summarize(Array.from({ length: 19 }, () => 10))).toBeNull();
    expect(summarize(Array.from({ length: 20 }, () => 10))).toMatchObject({ min: 10, max: 10, samples: 20 });
  });

  it('takes the median and the nearest-rank 90th percentile', () => {
    const days = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20
    expect(summarize(days)).toEqual({ min: 11, max: 18, medianDays: 10.5, p90Days: 18, samples: 20 });
  });
});

describe('learnedTransit from the ledger', () => {
  let db: Db;
  afterEach(() => closeDb(db));

  it('is null with 19 delivered orders and learned with 20 (after the cache is refreshed)', async () => {
    db = memoryDb();
    const ledger = sqliteLedger(db);
    // Shipped Monday 2 March, delivered Monday 16 March: 10 business days in Spain.
    seedLane(db, 19, () => '2026-03-16T09:00:00Z');
    expect(await learnedTransit(ledger, 'china-post', 'ES')).toBeNull();
    seedLane(db, 1, () => '2026-03-16T09:00:00Z', 'china-post', 'ES', 'late');
    expect(await learnedTransit(ledger, 'china-post', 'ES')).toBeNull(); // cached for a few minutes
    forgetLearnedTransit(ledger);
    expect(await learnedTransit(ledger, 'chinapost', 'es')).toEqual({ min: 10, max: 10, medianDays: 10, p90Days: 10, samples: 20 });
  });

  it('learns median and p90 in business days, weekends skipped, per carrier x country', async () => {
    db = memoryDb();
    const ledger = sqliteLedger(db);
    // 10 parcels in 10 business days (Mon 16 Mar), 8 in 12 (Wed 18 Mar), 2 in 20 (Mon 30 Mar).
    seedLane(db, 20, (i) => (i < 10 ? '2026-03-16T09:00:00Z' : i < 18 ? '2026-03-18T09:00:00Z' : '2026-03-30T09:00:00Z'));
    seedLane(db, 5, () => '2026-03-04T09:00:00Z', 'dhl', 'ES');
    const learned = await learnedTransit(ledger, 'china-post', 'ES');
    expect(learned).toEqual({ min: 11, max: 12, medianDays: 11, p90Days: 12, samples: 20 });
    expect(await learnedTransit(ledger, 'china-post', 'FR')).toBeNull();
    expect(await learnedTransit(ledger, 'dhl', 'ES')).toBeNull();

    const table = await learnedTransitTable(ledger, 'china-post', 'ES');
    expect(table?.ES?.postal).toMatchObject({ min: 11, max: 12 });
    expect(table?.ES?.postal?.basis).toContain('learned from 20 deliveries');
    expect(await learnedTransitTable(ledger, 'dhl', 'ES')).toBeUndefined();

    const report = await transitReport(ledger);
    expect(report.map((r) => [r.carrier, r.country, r.samples, r.inUse])).toEqual([
      ['china-post', 'ES', 20, 'learned'],
      ['dhl', 'ES', 5, 'builtin'],
    ]);
    expect(await transitReport(ledger, { carrier: 'dhl' })).toHaveLength(1);
    expect(await transitReport(ledger, { carrier: 'ups', country: 'us' })).toMatchObject([{ carrier: 'ups', country: 'US', samples: 0, orders: 0 }]);
  });
});
