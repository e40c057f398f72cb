import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { validateOrder } from '../../../src/domain/order.js';

const now = DateTime.fromISO('2026-11-20T10:00:00Z', { zone: 'utc' });
const valid = {
  orderId: '8123456789',
  buyer: { name: 'Lucía García', email: 'lucia@example.com' },
  country: 'es',
  carrier: 'China Post',
  trackingNumber: 'rr123456789cn',
  shippedAt: '2026-11-19T08:00:00+08:00',
};

describe('validateOrder', () => {
  it('normalizes and fills defaults from the country', () => {
    const result = validateOrder(valid, now);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.order).toMatchObject({
      country: 'ES', carrier: 'china-post', trackingNumber: 'RR123456789CN', buyerLocale: 'es',
      buyerTimezone: 'Europe/Madrid', store: 'default', state: 'active',
    });
    expect(result.order.shippedAt.toISO()).toBe('2026-11-19T00:00:00.000Z');
  });

  it('accepts carrier aliases such as epacket and aliexpress-standard', () => {
    const epacket = validateOrder({ ...valid, carrier: 'ePacket' }, now);
    const standard = validateOrder({ ...valid, carrier: 'aliexpress-standard' }, now);
    expect(epacket.ok && epacket.order.carrier).toBe('china-ems');
    expect(standard.ok && standard.order.carrier).toBe('cainiao');
  });

  it('lists every problem, each with the field, the value and the fix', () => {
    const result = validateOrder(
      { ...valid, country: 'UK', carrier: 'pigeon', buyer: { email: 'not-an-email', timezone: 'Mars/Base' }, shippedAt: 'yesterday' },
      now,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        'country: "UK" is not an ISO 3166-1 alpha-2 code (did you mean "GB"?)',
        expect.stringMatching(/^carrier: "pigeon" is not a known carrier \(known: china-post, china-ems, cainiao/),
        expect.stringMatching(/^buyer\.email: "not-an-email" is not an email address/),
        expect.stringMatching(/^buyer\.timezone: "Mars\/Base" is not an IANA time zone/),
        expect.stringMatching(/^shippedAt: "yesterday" is not an ISO-8601 date-time/),
      ]),
    );
  });

  it('names missing required fields', () => {
    const result = validateOrder({ orderId: 'X' }, now);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('\n')).toMatch(/buyer: /);
    expect(result.problems.join('\n')).toMatch(/country: /);
  });

  it('rejects a shipment date in the future', () => {
    const result = validateOrder({ ...valid, shippedAt: '2026-12-01T00:00:00Z' }, now);
    expect(result.ok).toBe(false);
  });
});
