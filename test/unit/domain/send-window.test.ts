import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { applySendWindow } from '../../../src/domain/send-window.js';

const window = { start: '09:00', end: '20:00' };
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });
const local = (dt: DateTime, zone: string) => dt.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");

describe('applySendWindow', () => {
  it('keeps a time inside the window', () => {
    const due = at('2026-03-10T12:30:00+01:00');
    expect(applySendWindow(due, 'Europe/Madrid', window).toMillis()).toBe(due.toMillis());
  });

  it('moves an early-morning time to the same day start', () => {
    expect(local(applySendWindow(at('2026-03-10T03:15:00+01:00'), 'Europe/Madrid', window), 'Europe/Madrid')).toBe(
      '2026-03-10T09:00',
    );
  });

  it('moves an evening time to the next day start, end exclusive', () => {
    expect(local(applySendWindow(at('2026-03-10T20:00:00+01:00'), 'Europe/Madrid', window), 'Europe/Madrid')).toBe(
      '2026-03-11T09:00',
    );
  });

  it('lands on 09:00 local the morning after the spring-forward night (Madrid)', () => {
    // 2026-03-29 02:00 → 03:00 in Europe/Madrid; 23:30 the evening before is outside the window.
    const moved = applySendWindow(at('2026-03-28T23:30:00+01:00'), 'Europe/Madrid', window);
    expect(local(moved, 'Europe/Madrid')).toBe('2026-03-29T09:00');
    expect(moved.toISO()).toBe('2026-03-29T07:00:00.000Z'); // now UTC+2
  });

  it('lands on 09:00 local after the fall-back night (New York)', () => {
    // 2026-11-01 02:00 → 01:00 in America/New_York.
    const moved = applySendWindow(at('2026-10-31T22:00:00-04:00'), 'America/New_York', window);
    expect(moved.toISO()).toBe('2026-11-01T14:00:00.000Z'); // 09:00 EST = UTC-5
  });

  it('handles a window start inside a DST gap by moving forward (Sydney)', () => {
    // 2026-10-04 02:00 → 03:00 in Australia/Sydney; a 02:30 start does not exist that day.
    const moved = applySendWindow(at('2026-10-04T01:00:00+10:00'), 'Australia/Sydney', { start: '02:30', end: '20:00' });
    expect(local(moved, 'Australia/Sydney')).toBe('2026-10-04T03:30');
  });

  it('supports windows that cross midnight', () => {
    const nightOwl = { start: '22:00', end: '02:00' };
    expect(local(applySendWindow(at('2026-05-01T23:00:00-03:00'), 'America/Sao_Paulo', nightOwl), 'America/Sao_Paulo')).toBe(
      '2026-05-01T23:00',
    );
    expect(local(applySendWindow(at('2026-05-01T12:00:00-03:00'), 'America/Sao_Paulo', nightOwl), 'America/Sao_Paulo')).toBe(
      '2026-05-01T22:00',
    );
  });

  it('treats 00:00-24:00 as always open', () => {
    const due = at('2026-05-01T03:00:00Z');
    expect(applySendWindow(due, 'Asia/Tokyo', { start: '00:00', end: '24:00' }).toMillis()).toBe(due.toMillis());
  });
});
