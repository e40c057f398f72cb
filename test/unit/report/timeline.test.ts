import { describe, expect, it } from 'vitest';
import { formatTimeline, timelineOf } from '../../../src/report/timeline.js';
import type { OrderRow, SendRow } from '../../../src/store/ledger.js';

const order = {
  orderId: 'T-1', store: 'default', buyerName: 'Ana', buyerEmail: 'ana@example.com', buyerLocale: 'es', buyerTimezone: 'Europe/Madrid',
  country: 'ES', carrier: 'china-post', trackingNumber: 'RR1CN', shippedAt: Date.UTC(2026, 2, 1), state: 'active', stateReason: null,
  stageRank: 3, lastEventAt: null, disputedAt: null, createdAt: 0, updatedAt: 0,
} as unknown as OrderRow;

function send(id: number, milestone: string, seq: number, dueAt: number, extra: Partial<SendRow> = {}): SendRow {
  return {
    id, orderId: 'T-1', milestone, seq, resendOf: null, status: 'scheduled', dueAt, attempts: 0, queuedAt: null, claimedAt: null,
    sentAt: null, messageId: null, smtpResponse: null, subject: null, template: null, locale: null, reason: null, error: null,
    createdAt: 0, updatedAt: 0, ...extra,
  } as SendRow;
}

describe('timelines', () => {
  it('show due times on the buyer clock and number repeated milestones', () => {
    const rows = [
      send(1, 'pickup_reminder', 0, Date.UTC(2026, 2, 10, 8)),
      send(2, 'pickup_reminder', 1, Date.UTC(2026, 2, 14, 8)),
      send(3, 'shipped', 0, Date.UTC(2026, 2, 1, 9), { resendOf: 9, status: 'sent', sentAt: Date.UTC(2026, 2, 1, 9, 0, 5) }),
    ];
    const entries = timelineOf(order, rows);
    expect(entries.map((e) => [e.milestone, e.seq])).toEqual([['pickup_reminder', 0], ['pickup_reminder', 1], ['shipped', 0]]);
    expect(entries[0].dueLocal).toBe('2026-03-10 09:00:00 GMT+1');
    const text = formatTimeline(order, entries);
    expect(text).toMatch(/^pickup_reminder\s+scheduled/m);
    expect(text).toMatch(/^pickup_reminder #2\s+scheduled/m);
    expect(text).toMatch(/^shipped \(resend\)\s+sent/m);
  });
});
