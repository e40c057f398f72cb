import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { businessDaysBetween, checkDelay, delayFacts, nextDelayCheck, SILENT_DAYS_BY_CLASS, type DelayInput } from '../../../src/domain/delay.js';
import type { Order } from '../../../src/domain/order.js';
import { DEFAULT_PROFILE } from '../../../src/domain/profile.js';

const SAT_SUN = [6, 7];
// Monday 2 March 2026, 10:00 in Madrid.
const SHIPPED = DateTime.fromISO('2026-03-02T09:00:00Z', { zone: 'utc' });

function order(over: Partial<Order> = {}): Order {
  return {
    orderId: 'D-1', store: 'default', buyerName: 'Ana', buyerEmail: 'ana@example.com', buyerLocale: 'es',
    buyerTimezone: 'Europe/Madrid', country: 'ES', carrier: 'china-post', trackingNumber: 'LX1CN', shippedAt: SHIPPED, state: 'active', ...over,
  };
}

function input(now: string, over: Partial<DelayInput> = {}): DelayInput {
  return {
    order: order(), profile: DEFAULT_PROFILE, carrierClass: 'postal', transit: { min: 15, max: 30 }, weekend: SAT_SUN,
    stageRank: 0, lastEventAt: null, hasFeed: true, notices: [], now: DateTime.fromISO(now, { zone: 'utc' }), ...over,
  };
}

describe('delay notices: the rule', () => {
  it('counts business days in the buyer zone, skipping the weekend', () => {
    // Mon 2 Mar → Mon 16 Mar: 10 business days.
    expect(businessDaysBetween(SHIPPED, DateTime.fromISO('2026-03-16T08:00:00Z'), 'Europe/Madrid', SAT_SUN)).toBe(10);
    expect(businessDaysBetween(SHIPPED, DateTime.fromISO('2026-03-13T22:00:00Z'), 'Europe/Madrid', SAT_SUN)).toBe(9);
  });

  it('is due after 10 silent business days for a postal parcel, not on day 9', () => {
    expect(SILENT_DAYS_BY_CLASS).toEqual({ postal: 10, economy: 8, express: 4 });
    expect(checkDelay(input('2026-03-13T12:00:00Z')).due).toBe(false);
    expect(checkDelay(input('2026-03-16T08:00:00Z'))).toMatchObject({ due: true, seq: 0, reason: 'silent', silentDays: 10 });
  });

  it('counts from the last tracking event, not from shipped-at', () => {
    const lastEventAt = DateTime.fromISO('2026-03-10T09:00:00Z');
    expect(checkDelay(input('2026-03-16T08:00:00Z', { lastEventAt })).due).toBe(false);
    expect(checkDelay(input('2026-03-24T08:00:00Z', { lastEventAt })).due).toBe(true);
  });

  it('uses the class default for express and the profile override when set', () => {
    expect(checkDelay(input('2026-03-06T08:00:00Z', { carrierClass: 'express', transit: { min: 3, max: 7 } })).due).toBe(true);
    const profile = { ...DEFAULT_PROFILE, delayAfterSilentDays: 3 };
    expect(checkDelay(input('2026-03-05T08:00:00Z', { profile }))).toMatchObject({ due: true, silentDays: 3 });
  });

  it('is due once the expected window has passed, even with recent tracking updates', () => {
    const transit = { min: 3, max: 5 };
    const lastEventAt = DateTime.fromISO('2026-03-09T12:00:00Z');
    expect(checkDelay(input('2026-03-09T14:00:00Z', { transit, lastEventAt })).due).toBe(false);
    expect(checkDelay(input('2026-03-10T08:00:00Z', { transit, lastEventAt }))).toMatchObject({ due: true, reason: 'overdue' });
  });

  it('never after delivery, return or cancel, nor once the parcel is at the post office', () => {
    for (const state of ['delivered', 'returned', 'cancelled'] as const) {
      expect(checkDelay(input('2026-04-30T08:00:00Z', { order: order({ state }) })).due).toBe(false);
    }
    expect(checkDelay(input('2026-04-30T08:00:00Z', { stageRank: 3 })).due).toBe(false);
  });

  it('sends a second notice only after a further long silence (2 x threshold), never a third', () => {
    const first = DateTime.fromISO('2026-03-16T08:00:00Z');
    // 19 further business days after the first notice: not yet.
    expect(checkDelay(input('2026-04-10T08:00:00Z', { notices: [first] })).due).toBe(false);
    expect(checkDelay(input('2026-04-13T08:00:00Z', { notices: [first] }))).toMatchObject({ due: true, seq: 1 });
    // News after the first notice restarts the count.
    const lastEventAt = DateTime.fromISO('2026-04-01T08:00:00Z');
    expect(checkDelay(input('2026-04-13T08:00:00Z', { notices: [first], lastEventAt })).due).toBe(false);
    expect(checkDelay(input('2026-06-30T08:00:00Z', { notices: [first, first.plus({ days: 28 })] })).due).toBe(false);
  });

  it('never claims silence for a parcel without a tracking feed: only the past-the-window notice', () => {
    // 10 silent business days, within the window: a feed would make this due.
    expect(checkDelay(input('2026-03-16T08:00:00Z', { hasFeed: false }))).toMatchObject({ due: false, why: expect.stringMatching(/no tracking feed/) });
    // Past the window (15-30 business days from 2 March ends on 13 April): due, as overdue.
    expect(checkDelay(input('2026-04-14T08:00:00Z', { hasFeed: false }))).toMatchObject({ due: true, reason: 'overdue' });
    // And no second notice about "further silence".
    const first = DateTime.fromISO('2026-04-14T08:00:00Z');
    expect(checkDelay(input('2026-06-30T08:00:00Z', { hasFeed: false, notices: [first] })).due).toBe(false);
  });

  it('promises a new window counted from the notice', () => {
    const facts = delayFacts(order(), 'postal', { min: 15, max: 30 }, SAT_SUN, null, DateTime.fromISO('2026-03-16T08:00:00Z'));
    expect(facts).toEqual({ newFrom: '2026-03-23', newTo: '2026-04-06', silentDays: 10, overdue: false });
  });
});

describe('delay notices: when the watch needs to look next', () => {
  const cases: Array<[string, Partial<DelayInput>]> = [
    ['silent postal parcel with a feed', {}],
    ['no feed: only the window', { hasFeed: false }],
    ['express, short window', { carrierClass: 'express', transit: { min: 3, max: 7 } }],
    ['news a week after shipping', { lastEventAt: DateTime.fromISO('2026-03-09T16:00:00Z', { zone: 'utc' }) }],
    ['second notice', { notices: [DateTime.fromISO('2026-03-16T08:00:00Z', { zone: 'utc' })] }],
    ['buyer in Sydney', { order: order({ buyerTimezone: 'Australia/Sydney', country: 'AU' }) }],
  ];
  it.each(cases)('is the first moment a notice falls due: %s', (_name, over) => {
    const { now: _ignored, ...facts } = input('2026-03-02T09:00:00Z', over);
    const at = nextDelayCheck(facts);
    expect(at).not.toBeNull();
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(checkDelay(input(iso(at! - 60_000), over)).due).toBe(false);
    expect(checkDelay(input(iso(at! + 60_000), over)).due).toBe(true);
  });

  it('is never for a finished order, one near the buyer, or after two notices', () => {
    const { now: _n, ...facts } = input('2026-03-02T09:00:00Z');
    expect(nextDelayCheck({ ...facts, order: order({ state: 'delivered' }) })).toBeNull();
    expect(nextDelayCheck({ ...facts, stageRank: 3 })).toBeNull();
    const t = DateTime.fromISO('2026-03-16T08:00:00Z', { zone: 'utc' });
    expect(nextDelayCheck({ ...facts, notices: [t, t.plus({ days: 30 })] })).toBeNull();
    expect(nextDelayCheck({ ...facts, hasFeed: false, notices: [t] })).toBeNull();
  });
});
