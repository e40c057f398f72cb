import { describe, expect, it } from 'vitest';
import { extendProtectionUntil, feedbackVerdict, nextStep, scanKind } from '../../../src/domain/replies.js';
import { placeAt } from '../../../src/providers/places.js';

describe('feedback verdict', () => {
  const base = { orderState: 'active' as const, alreadyThanked: false };
  it('thanks at or above the threshold (default 4), and only once per order', () => {
    expect(feedbackVerdict({ ...base, rating: 4 })).toEqual({ kind: 'thank' });
    expect(feedbackVerdict({ ...base, rating: 3 })).toEqual({ kind: 'none', why: 'below_threshold' });
    expect(feedbackVerdict({ ...base, rating: 4, threshold: 5 })).toEqual({ kind: 'none', why: 'below_threshold' });
    expect(feedbackVerdict({ ...base, rating: 5, alreadyThanked: true })).toEqual({ kind: 'none', why: 'already_thanked' });
  });
  it('a rating of 2 or less alerts the seller whatever the threshold; nothing for cancelled or returned orders', () => {
    expect(feedbackVerdict({ ...base, rating: 2, threshold: 1 })).toEqual({ kind: 'low_rating' });
    expect(feedbackVerdict({ ...base, rating: 1 })).toEqual({ kind: 'low_rating' });
    expect(feedbackVerdict({ ...base, rating: 5, orderState: 'cancelled' })).toEqual({ kind: 'none', why: 'order_cancelled' });
    expect(feedbackVerdict({ ...base, rating: 5, orderState: 'returned' })).toEqual({ kind: 'none', why: 'order_returned' });
    expect(feedbackVerdict({ ...base, rating: 5, orderState: 'delivered' })).toEqual({ kind: 'thank' });
  });
});

describe('scan kinds and next steps', () => {
  it('reads the generic statuses as they are and provider words where they say more', () => {
    expect(scanKind('customs_released', 'customs')).toBe('customs_released');
    expect(scanKind('InTransit/InTransit_CustomsProcessing', 'customs')).toBe('customs');
    expect(scanKind('OutForDelivery/OutForDelivery_001', 'post_office')).toBe('out_for_delivery');
    expect(scanKind('InfoReceived', null)).toBe('info_received');
    expect(scanKind('InTransit/InTransit_002', null)).toBe('in_transit');
    expect(scanKind('expired', 'exception')).toBe('exception');
    expect(scanKind(null, 'pickup')).toBe('available_for_pickup');
  });
  it('says what comes next from the newest scan, or that there is none', () => {
    expect(nextStep(null)).toBe('no_scans');
    expect(nextStep('customs_released')).toBe('customs');
    expect(nextStep('available_for_pickup')).toBe('destination');
    expect(nextStep('returning')).toBe('returning');
    expect(nextStep('info_received')).toBe('in_transit');
  });
});

describe('extend protection until', () => {
  it('pushes the deadline (shipped-at + protectionDays) out by the p90 in the destination\'s business days', () => {
    const shippedAt = Date.parse('2026-03-02T09:00:00Z');
    // Deadline Friday 1 May 2026 09:00Z; 5 business days (Sat/Sun off) later is Friday 8 May.
    const until = extendProtectionUntil({ shippedAt, protectionDays: 60, p90BusinessDays: 5, weekend: [6, 7] });
    expect(new Date(until).toISOString()).toBe('2026-05-08T09:00:00.000Z');
    // Israel rests Friday and Saturday: Sun-Thu count, so 5 business days from Friday are the next Thursday.
    expect(new Date(extendProtectionUntil({ shippedAt, protectionDays: 60, p90BusinessDays: 5, weekend: [5, 6] })).toISOString()).toBe('2026-05-07T09:00:00.000Z');
  });
});

describe('places from raw provider bodies', () => {
  it('finds the scan whose time is the event time, in any provider layout', () => {
    const aftership = JSON.stringify({ msg: { checkpoints: [
      { checkpoint_time: '2025-01-03T10:12:00+08:00', location: 'Shenzhen' },
      { checkpoint_time: '2025-01-08T06:40:00+01:00', location: null, city: 'Frankfurt' },
    ] } });
    expect(placeAt(aftership, Date.parse('2025-01-03T02:12:00Z'))).toBe('Shenzhen');
    expect(placeAt(aftership, Date.parse('2025-01-08T05:40:00Z'))).toBe('Frankfurt');
    const easypost = JSON.stringify({ result: { tracking_details: [{ datetime: '2025-01-08T05:40:00Z', tracking_location: { city: 'MADRID', country: 'ES' } }] } });
    expect(placeAt(easypost, Date.parse('2025-01-08T05:40:00Z'))).toBe('MADRID, ES');
    expect(placeAt(JSON.stringify({ events: [{ event_id: 'a', occurred_at: '2025-01-09T00:00:00Z' }] }), Date.parse('2025-01-09T00:00:00Z'))).toBeNull();
    expect(placeAt('{}', null)).toBeNull();
  });
});
