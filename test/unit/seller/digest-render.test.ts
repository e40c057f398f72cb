import { describe, expect, it } from 'vitest';
import type { AtRiskOrder } from '../../../src/services/at-risk.js';
import { renderDigest } from '../../../src/services/digest-render.js';

const order = (orderId: string, daysLeft: number): AtRiskOrder => ({
  orderId, store: 'acme', state: 'active', buyerName: 'Ana', buyerEmail: 'ana@example.com', country: 'ES', carrier: 'china-post',
  trackingNumber: 'RR1CN', shippedAt: Date.parse('2026-03-01T00:00:00Z'), stage: 'customs',
  lastEvent: { milestone: 'customs', providerStatus: 'x', occurredAt: Date.parse('2026-03-20T00:00:00Z') },
  protection: { deadline: Date.parse('2026-04-30T00:00:00Z'), daysLeft, atRisk: true, expired: daysLeft < 0 },
});

describe('renderDigest', () => {
  it('lists every order in text and an escaped HTML table', () => {
    const d = renderDigest('Acme & Co', '2026-04-25', 10, [order('A<1>', -1), order('A2', 4)]);
    expect(d.subject).toBe('2 order(s) near the end of buyer protection (Acme & Co, 2026-04-25)');
    expect(d.text).toContain('- A<1>: ES china-post, RR1CN, customs, last customs 2026-03-20, deadline 2026-04-30 (ended)');
    expect(d.text).toContain('(4 days)');
    expect(d.html).toContain('<td style="padding:4px 8px">A&lt;1&gt;</td>');
    expect(d.html).not.toContain('A<1>');
    expect(d.html.match(/<tr>/g)).toHaveLength(3);
  });
});
