import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decide, DISPUTE_RECHECK_MS, type DecideInput } from '../../../src/domain/decide.js';
import { DEFAULT_PROFILE } from '../../../src/domain/profile.js';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

function input(over: Partial<DecideInput> = {}): DecideInput {
  return {
    milestone: 'day14', dueAt: utc('2026-03-16T10:00:00Z'), isResend: false, orderState: 'active', sentMilestones: [],
    suppressed: false, profile: DEFAULT_PROFILE, now: utc('2026-03-16T10:00:00Z'), buyerTimezone: 'Europe/Madrid', ...over,
  };
}

describe('review-request gating and the rule milestones in decide', () => {
  it('holds day14 while a dispute is open, and sends it once closed', () => {
    const held = decide(input({ inDispute: true }));
    expect(held).toMatchObject({ kind: 'reschedule', hold: 'dispute' });
    expect(held.kind === 'reschedule' && held.at.toMillis()).toBe(utc('2026-03-16T10:00:00Z').toMillis() + DISPUTE_RECHECK_MS);
    expect(decide(input({ inDispute: false }))).toEqual({ kind: 'send' });
  });

  it('a dispute does not hold other messages', () => {
    expect(decide(input({ milestone: 'customs', inDispute: true }))).toEqual({ kind: 'send' });
  });

  it('waits reviewAfterDelivery (P3D) after a known delivery, inside the send window', () => {
    const decision = decide(input({ orderState: 'delivered', deliveredAt: utc('2026-03-15T20:30:00Z') }));
    expect(decision.kind).toBe('reschedule');
    // 15 Mar 21:30 Madrid + 3 days = 18 Mar 21:30, after the 20:00 window end → 19 Mar 09:00 Madrid (08:00Z).
    expect(decision.kind === 'reschedule' && decision.at.toISO()).toBe('2026-03-19T08:00:00.000Z');
    expect(decision).toMatchObject({ hold: 'after_delivery' });
  });

  it('sends at its own time when delivery was long before it', () => {
    expect(decide(input({ orderState: 'delivered', deliveredAt: utc('2026-03-05T10:00:00Z') }))).toEqual({ kind: 'send' });
    // ... and once rescheduled to the post-delivery time, it goes.
    const at = utc('2026-03-19T08:00:00Z');
    expect(decide(input({ orderState: 'delivered', deliveredAt: utc('2026-03-15T20:30:00Z'), dueAt: at, now: at }))).toEqual({ kind: 'send' });
  });

  it('no wait when reviewAfterDelivery is null', () => {
    const profile = { ...DEFAULT_PROFILE, reviewAfterDelivery: null };
    expect(decide(input({ profile, orderState: 'delivered', deliveredAt: utc('2026-03-15T20:30:00Z') }))).toEqual({ kind: 'send' });
  });

  it('never sends a review request for a returned parcel, dispute or not', () => {
    expect(decide(input({ orderState: 'returned' }))).toEqual({ kind: 'skip', reason: 'returned' });
    expect(decide(input({ orderState: 'returned', inDispute: true }))).toEqual({ kind: 'skip', reason: 'returned' });
  });

  it('skips a delay notice or a pickup reminder for a delivered parcel', () => {
    expect(decide(input({ milestone: 'delay', orderState: 'delivered' }))).toEqual({ kind: 'skip', reason: 'delivered' });
    expect(decide(input({ milestone: 'pickup_reminder', orderState: 'delivered' }))).toEqual({ kind: 'skip', reason: 'delivered' });
    expect(decide(input({ milestone: 'delay', orderState: 'cancelled' }))).toEqual({ kind: 'cancel' });
  });

  it('a delay notice is superseded once the post office message went out', () => {
    expect(decide(input({ milestone: 'delay', sentMilestones: ['post_office'] }))).toEqual({ kind: 'skip', reason: 'superseded' });
    expect(decide(input({ milestone: 'delay', sentMilestones: ['customs'] }))).toEqual({ kind: 'send' });
  });
});
