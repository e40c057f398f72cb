import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decide, type DecideInput } from '../../../src/domain/decide.js';
import { DEFAULT_PROFILE } from '../../../src/domain/profile.js';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const NOW = '2026-03-16T10:00:00Z';

function input(over: Partial<DecideInput> = {}): DecideInput {
  return {
    milestone: 'day14', dueAt: utc(NOW), isResend: false, orderState: 'active', sentMilestones: [],
    suppressed: false, profile: DEFAULT_PROFILE, now: utc(NOW), buyerTimezone: 'Europe/Madrid', ...over,
  };
}

describe('the inbox rules in decide (fixed clock)', () => {
  it('a review request waits 48 h after a delay apology', () => {
    const d = decide(input({ recentLetters: [{ milestone: 'delay', sentAt: utc('2026-03-15T09:00:00Z') }] }));
    expect(d).toMatchObject({ kind: 'reschedule', hold: 'apart_48h' });
    expect(d.kind === 'reschedule' && d.at.toISO()).toBe(utc('2026-03-17T09:00:00Z').toISO());
  });

  it('a delay apology waits 48 h after a review request', () => {
    const d = decide(input({ milestone: 'delay', recentLetters: [{ milestone: 'day14', sentAt: utc('2026-03-16T08:00:00Z') }] }));
    expect(d).toMatchObject({ kind: 'reschedule', hold: 'apart_48h' });
    expect(d.kind === 'reschedule' && d.at.toISO()).toBe(utc('2026-03-18T08:00:00Z').toISO());
  });

  it('48 h later the review request goes', () => {
    expect(decide(input({ recentLetters: [{ milestone: 'delay', sentAt: utc('2026-03-14T09:59:00Z') }] }))).toEqual({ kind: 'send' });
  });

  it('one letter per buyer-local day: a second one waits for the next morning in the send window', () => {
    const d = decide(input({ milestone: 'day1', recentLetters: [{ milestone: 'shipped', sentAt: utc('2026-03-16T08:00:00Z') }] }));
    expect(d).toMatchObject({ kind: 'reschedule', hold: 'one_a_day' });
    // Next Madrid day starts 17 Mar 00:00 (23:00Z); the 09:00 window start is 08:00Z.
    expect(d.kind === 'reschedule' && d.at.toISO()).toBe(utc('2026-03-17T08:00:00Z').toISO());
  });

  it('a profile that spaces its letters under a day apart (demo, tests, a seller\'s choice) gets them the same day', () => {
    const compressed = { ...DEFAULT_PROFILE, delays: { day1: 'PT3S', day14: 'PT10S' } };
    const recentLetters = [{ milestone: 'shipped' as const, sentAt: utc('2026-03-16T09:59:57Z') }];
    expect(decide(input({ milestone: 'day1', profile: compressed, recentLetters }))).toEqual({ kind: 'send' });
    // The 48-hour gap between an apology and a review request still holds.
    const apology = [{ milestone: 'delay' as const, sentAt: utc('2026-03-16T09:00:00Z') }];
    expect(decide(input({ profile: compressed, recentLetters: apology }))).toMatchObject({ kind: 'reschedule', hold: 'apart_48h' });
  });

  it('yesterday (buyer-local) does not count; a state change (customs, post office) and answers still go the same day', () => {
    // 15 Mar 22:30Z is 23:30 in Madrid on the 15th.
    expect(decide(input({ milestone: 'day1', recentLetters: [{ milestone: 'shipped', sentAt: utc('2026-03-15T22:30:00Z') }] }))).toEqual({ kind: 'send' });
    const today = [{ milestone: 'day1' as const, sentAt: utc('2026-03-16T08:00:00Z') }];
    for (const milestone of ['customs', 'post_office', 'dispute_reply', 'feedback_thanks'] as const) {
      expect(decide(input({ milestone, recentLetters: today }))).toEqual({ kind: 'send' });
    }
  });

  it('a resend ignores the inbox rules', () => {
    expect(decide(input({ isResend: true, recentLetters: [{ milestone: 'delay', sentAt: utc('2026-03-16T09:00:00Z') }] }))).toEqual({ kind: 'send' });
  });

  it('post_office never follows a known delivery, even when the order row lags', () => {
    expect(decide(input({ milestone: 'post_office', deliveredAt: utc('2026-03-15T09:00:00Z') }))).toEqual({ kind: 'skip', reason: 'delivered' });
    expect(decide(input({ milestone: 'post_office', orderState: 'delivered', isResend: true }))).toEqual({ kind: 'skip', reason: 'delivered' });
  });
});
