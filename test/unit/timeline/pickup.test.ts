import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../../src/domain/order.js';
import { pickupFacts, planPickupReminders } from '../../../src/domain/pickup.js';
import { DEFAULT_PROFILE } from '../../../src/domain/profile.js';
import { eventMilestoneFor } from '../../../src/domain/tracking-status.js';
import { outcomeForAftership, outcomeForEasyPost, outcomeForGeneric, outcomeForSeventeenTrack } from '../../../src/domain/tracking-map.js';

const ORDER: Order = {
  orderId: 'P-1', store: 'default', buyerName: 'Ana', buyerEmail: 'ana@example.com', buyerLocale: 'en',
  buyerTimezone: 'America/New_York', country: 'US', carrier: 'china-ems', trackingNumber: 'LX2CN',
  shippedAt: DateTime.fromISO('2026-02-20T02:00:00Z', { zone: 'utc' }), state: 'active',
};

describe('pickup reminders: the rule', () => {
  it('tells "available for pickup" from "out for delivery" for every provider', () => {
    expect(outcomeForAftership('AvailableForPickup', 'AvailableForPickup_001')).toBe('pickup');
    expect(outcomeForAftership('OutForDelivery', 'OutForDelivery_002')).toBe('pickup');
    expect(outcomeForAftership('OutForDelivery', 'OutForDelivery_001')).toBe('post_office');
    expect(outcomeForSeventeenTrack('AvailableForPickup', 'AvailableForPickup_Other')).toBe('pickup');
    expect(outcomeForEasyPost('available_for_pickup')).toBe('pickup');
    expect(outcomeForGeneric('available_for_pickup')).toBe('pickup');
    expect(outcomeForGeneric('out_for_delivery')).toBe('post_office');
    // A pickup notice is announced with the post_office message.
    expect(eventMilestoneFor('pickup')).toBe('post_office');
  });

  it('plans reminders 3 and 7 days after the pickup notice, in the buyer send window, across the DST change', () => {
    // Friday 6 March 2026, 16:00 New York (EST); DST starts Sunday 8 March.
    const pickupAt = DateTime.fromISO('2026-03-06T21:00:00Z', { zone: 'utc' });
    const planned = planPickupReminders(ORDER, pickupAt, DEFAULT_PROFILE, pickupAt);
    expect(planned.map((p) => [p.seq, p.status, p.dueAt.setZone('America/New_York').toFormat('yyyy-MM-dd HH:mm')])).toEqual([
      [0, 'scheduled', '2026-03-09 16:00'],
      [1, 'scheduled', '2026-03-13 16:00'],
    ]);
  });

  it('follows the profile durations, and the last one says so', () => {
    const profile = { ...DEFAULT_PROFILE, pickupReminders: ['P2D', 'P5D', 'P10D'] };
    const pickupAt = DateTime.fromISO('2026-03-02T15:00:00Z', { zone: 'utc' });
    expect(planPickupReminders(ORDER, pickupAt, profile, pickupAt).map((p) => p.seq)).toEqual([0, 1, 2]);
    expect(pickupFacts(ORDER, pickupAt, 1, profile).final).toBe(false);
    // USPS holds 15 days (src/domain/data/pickup-holds.ts).
    expect(pickupFacts(ORDER, pickupAt, 2, profile)).toMatchObject({ final: true, until: '2026-03-17', holdDays: 15 });
  });

  it('takes the hold from the carrier x country table, and promises no date where it is unknown', () => {
    const pickupAt = DateTime.fromISO('2026-03-02T15:00:00Z', { zone: 'utc' });
    const de = { ...ORDER, country: 'DE', buyerTimezone: 'Europe/Berlin' };
    expect(pickupFacts(de, pickupAt, 0, DEFAULT_PROFILE)).toMatchObject({ until: '2026-03-09', holdDays: 7 });
    const it = { ...ORDER, country: 'IT', buyerTimezone: 'Europe/Rome' };
    expect(pickupFacts(it, pickupAt, 0, DEFAULT_PROFILE)).toMatchObject({ until: null, holdDays: null });
    // Express couriers hold on their own terms: the postal table does not apply.
    expect(pickupFacts({ ...de, carrier: 'dhl' }, pickupAt, 0, DEFAULT_PROFILE).until).toBeNull();
  });
});
