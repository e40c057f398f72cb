import { describe, expect, it } from 'vitest';
import { emailKey, isEmailAddress, normalizeTrackingNumber } from '../../../src/domain/identifiers.js';
import { validateOrder } from '../../../src/domain/order.js';
import { DateTime } from 'luxon';

describe('tracking numbers: one ASCII rule', () => {
  it.each([
    ['rr123456789cn', 'RR123456789CN'],
    ['  1Z999AA10123456784 ', '1Z999AA10123456784'],
    ['JD-0001', 'JD-0001'],
  ])('%j → %j', (raw, normalized) => expect(normalizeTrackingNumber(raw)).toBe(normalized));

  it.each(['ß123ıſſ', 'SS123ISS\u0130', 'RR 123', '', 'x'.repeat(65), 'x'.repeat(500_000), 'Ｒ１２３'])('refuses %j', (raw) => {
    expect(normalizeTrackingNumber(raw)).toBeNull();
  });
});

describe('buyer email addresses', () => {
  it.each(['ana@example.com', 'o.brien+shop@mail.example.co.uk', 'josé@correo.es', 'user@xn--80ak6aa92e.com', 'a_b-c@sub-domain.example.org'])('accepts %s', (email) => {
    expect(isEmailAddress(email)).toBe(true);
  });
  it.each(['a@b..com', 'x@y.z', 'kate\u0085@example.com', 'ka te@example.com', 'a@@b.com', '.a@b.com', 'a.@b.com', 'a..b@c.com', 'a@-b.com', 'a@b-.com', 'a@b.c0m', 'a@b', 'a\u0000@b.com', 'a@b.com\n'])('refuses %j', (email) => {
    expect(isEmailAddress(email)).toBe(false);
  });
  it('compares without Unicode folding: the Kelvin sign is not a k', () => {
    expect(emailKey('\u212Aate@example.com')).not.toBe(emailKey('kate@example.com'));
    expect(emailKey('Kate@Example.COM')).toBe('kate@example.com');
  });
  it('order validation uses both rules', () => {
    const now = DateTime.utc();
    const base = { orderId: 'O-1', buyer: { email: 'ana@example.com' }, country: 'ES', carrier: 'dhl', trackingNumber: 'JD1', shippedAt: now.toISO() };
    expect(validateOrder(base, now).ok).toBe(true);
    const bad = validateOrder({ ...base, trackingNumber: 'ß123ıſſ', buyer: { email: 'a@b..com' } }, now);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.join('\n')).toMatch(/trackingNumber: .* must be 1-64 ASCII letters, digits or dashes[\s\S]*buyer\.email: "a@b\.\.com" is not an email address/);
  });
});
