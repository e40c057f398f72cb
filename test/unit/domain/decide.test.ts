import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decide, type DecideInput } from '../../../src/domain/decide.js';
import { DEFAULT_PROFILE } from '../../../src/domain/profile.js';

const now = DateTime.fromISO('2026-06-10T10:00:00Z', { zone: 'utc' });
const base: DecideInput = {
  milestone: 'day1', dueAt: now, isResend: false, orderState: 'active', sentMilestones: ['shipped'],
  suppressed: false, profile: DEFAULT_PROFILE, now,
};

describe('decide', () => {
  it('sends a due message of an active order', () => {
    expect(decide(base)).toEqual({ kind: 'send' });
  });
  it('cancels when the order was cancelled', () => {
    expect(decide({ ...base, orderState: 'cancelled' })).toEqual({ kind: 'cancel' });
  });
  it('skips superseded when a later stage was already announced', () => {
    expect(decide({ ...base, sentMilestones: ['shipped', 'customs'] })).toEqual({ kind: 'skip', reason: 'superseded' });
    expect(decide({ ...base, milestone: 'customs', sentMilestones: ['post_office'] })).toEqual({ kind: 'skip', reason: 'superseded' });
  });
  it('does not treat day14 as superseded by logistics stages', () => {
    expect(decide({ ...base, milestone: 'day14', sentMilestones: ['post_office'] })).toEqual({ kind: 'send' });
  });
  it('skips stale past the staleness limit, not before', () => {
    expect(decide({ ...base, dueAt: now.minus({ days: 2, minutes: 1 }) })).toEqual({ kind: 'skip', reason: 'stale' });
    expect(decide({ ...base, dueAt: now.minus({ days: 1, hours: 23 }) })).toEqual({ kind: 'send' });
  });
  it('skips suppressed addresses, returned parcels, disabled milestones', () => {
    expect(decide({ ...base, suppressed: true })).toEqual({ kind: 'skip', reason: 'suppressed' });
    expect(decide({ ...base, milestone: 'day14', orderState: 'returned' })).toEqual({ kind: 'skip', reason: 'returned' });
    const off = { ...DEFAULT_PROFILE, milestones: { ...DEFAULT_PROFILE.milestones, day1: false } };
    expect(decide({ ...base, profile: off })).toEqual({ kind: 'skip', reason: 'disabled' });
  });
  it('skips event milestones after delivery but still sends the day14 care message', () => {
    expect(decide({ ...base, milestone: 'post_office', orderState: 'delivered' })).toEqual({ kind: 'skip', reason: 'delivered' });
    expect(decide({ ...base, milestone: 'day14', orderState: 'delivered' })).toEqual({ kind: 'send' });
  });
  it('reschedules a job that fired early', () => {
    const later = now.plus({ minutes: 5 });
    expect(decide({ ...base, dueAt: later })).toEqual({ kind: 'reschedule', at: later });
  });
  it('lets a deliberate resend through stale and superseded', () => {
    const input = { ...base, isResend: true, dueAt: now.minus({ days: 30 }), sentMilestones: ['post_office' as const] };
    expect(decide(input)).toEqual({ kind: 'send' });
  });
});
