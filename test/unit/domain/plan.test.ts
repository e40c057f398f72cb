import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../../src/domain/order.js';
import { planEventSend, planSends } from '../../../src/domain/plan.js';
import { DEFAULT_PROFILE, type Profile } from '../../../src/domain/profile.js';

function order(over: Omit<Partial<Order>, 'shippedAt'> & { shippedAt: string }): Order {
  return {
    orderId: 'A1', store: 'default', buyerName: 'Ana', buyerEmail: 'ana@example.com', buyerLocale: 'es',
    buyerTimezone: 'Europe/Madrid', country: 'ES', carrier: 'china-post', trackingNumber: 'RR1CN', state: 'active',
    ...over,
    shippedAt: DateTime.fromISO(over.shippedAt, { setZone: true }).toUTC(),
  };
}

const byMilestone = (plans: ReturnType<typeof planSends>) => Object.fromEntries(plans.map((p) => [p.milestone, p]));
const localDue = (iso: DateTime, zone: string) => iso.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");

describe('planSends', () => {
  it('plans shipped now, day1 and day14 in the buyer zone inside the window', () => {
    const o = order({ shippedAt: '2026-06-01T10:00:00+02:00' });
    const plans = byMilestone(planSends(o, DEFAULT_PROFILE, o.shippedAt));
    expect(localDue(plans.shipped.dueAt, 'Europe/Madrid')).toBe('2026-06-01T10:00');
    expect(localDue(plans.day1.dueAt, 'Europe/Madrid')).toBe('2026-06-02T10:00');
    expect(localDue(plans.day14.dueAt, 'Europe/Madrid')).toBe('2026-06-15T10:00');
    expect(Object.values(plans).every((p) => p.status === 'scheduled')).toBe(true);
  });

  it('keeps the wall-clock time when day14 crosses the Madrid autumn DST change', () => {
    const o = order({ shippedAt: '2026-10-20T11:00:00+02:00' });
    const day14 = byMilestone(planSends(o, DEFAULT_PROFILE, o.shippedAt)).day14;
    expect(localDue(day14.dueAt, 'Europe/Madrid')).toBe('2026-11-03T11:00');
    expect(day14.dueAt.toISO()).toBe('2026-11-03T10:00:00.000Z'); // UTC+1 after the change
  });

  it('keeps the wall-clock time across the New York spring DST change', () => {
    const o = order({ shippedAt: '2026-03-01T15:00:00-05:00', buyerTimezone: 'America/New_York', country: 'US' });
    const day14 = byMilestone(planSends(o, DEFAULT_PROFILE, o.shippedAt)).day14;
    expect(day14.dueAt.toISO()).toBe('2026-03-15T19:00:00.000Z'); // 15:00 EDT
  });

  it('moves a night-time shipment into the Sao Paulo morning window', () => {
    const o = order({ shippedAt: '2026-07-10T02:00:00Z', buyerTimezone: 'America/Sao_Paulo', country: 'BR' });
    const plans = byMilestone(planSends(o, DEFAULT_PROFILE, o.shippedAt));
    // 2026-07-09 23:00 local → next morning 09:00 (Brazil keeps UTC-3 all year).
    expect(plans.shipped.dueAt.toISO()).toBe('2026-07-10T12:00:00.000Z');
    expect(localDue(plans.day1.dueAt, 'America/Sao_Paulo')).toBe('2026-07-11T09:00');
  });

  it('uses Sydney time across the April DST end', () => {
    const o = order({ shippedAt: '2026-03-25T21:30:00+11:00', buyerTimezone: 'Australia/Sydney', country: 'AU' });
    const plans = byMilestone(planSends(o, DEFAULT_PROFILE, o.shippedAt));
    expect(localDue(plans.shipped.dueAt, 'Australia/Sydney')).toBe('2026-03-26T09:00');
    // 2026-04-05 Sydney falls back to UTC+10; day14 is 2026-04-08 21:30 → moved to 04-09 09:00 AEST.
    expect(plans.day14.dueAt.toISO()).toBe('2026-04-08T23:00:00.000Z');
  });

  it('records long-past messages of an old order as skipped stale', () => {
    const o = order({ shippedAt: '2026-06-01T10:00:00+02:00' });
    const now = o.shippedAt.plus({ days: 10 });
    const plans = byMilestone(planSends(o, DEFAULT_PROFILE, now));
    expect(plans.shipped).toMatchObject({ status: 'skipped', reason: 'stale' });
    expect(plans.day1).toMatchObject({ status: 'skipped', reason: 'stale' });
    expect(plans.day14).toMatchObject({ status: 'scheduled', reason: null });
  });

  it('records a disabled milestone as skipped disabled and honours custom delays', () => {
    const profile: Profile = {
      ...DEFAULT_PROFILE,
      milestones: { ...DEFAULT_PROFILE.milestones, day1: false },
      delays: { day1: 'P1D', day14: 'P20D' },
    };
    const o = order({ shippedAt: '2026-06-01T10:00:00+02:00' });
    const plans = byMilestone(planSends(o, profile, o.shippedAt));
    expect(plans.day1).toMatchObject({ status: 'skipped', reason: 'disabled' });
    expect(localDue(plans.day14.dueAt, 'Europe/Madrid')).toBe('2026-06-21T10:00');
  });
});

describe('planEventSend', () => {
  it('is due when postship learns of the event, moved into the window', () => {
    const o = order({ shippedAt: '2026-06-01T10:00:00+02:00' });
    const now = DateTime.fromISO('2026-06-12T22:30:00+02:00').toUTC();
    const plan = planEventSend(o, 'customs', now.minus({ hours: 5 }), DEFAULT_PROFILE, now);
    expect(plan.status).toBe('scheduled');
    expect(localDue(plan.dueAt, 'Europe/Madrid')).toBe('2026-06-13T09:00');
  });
});
