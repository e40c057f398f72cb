import { describe, expect, it } from 'vitest';
import { EVENT_BEFORE_SHIPPED_MARGIN_MS, matchEventToOrder } from '../../../src/domain/tracking-match.js';

const DAY = 86_400_000;
const a = { orderId: 'A', carrier: 'china-post', shippedAt: 100 * DAY };
const b = { orderId: 'B', carrier: 'china-post', shippedAt: 160 * DAY };
const c = { orderId: 'C', carrier: 'dhl', shippedAt: 165 * DAY };

describe('matchEventToOrder', () => {
  it('no candidates: none', () => {
    expect(matchEventToOrder([], 0, null)).toEqual({ kind: 'none' });
  });
  it('one order: an event within the margin before shipped-at is its own; older is stale', () => {
    expect(matchEventToOrder([a], a.shippedAt - EVENT_BEFORE_SHIPPED_MARGIN_MS, null)).toEqual({ kind: 'matched', order: a, ambiguousWith: [] });
    expect(matchEventToOrder([a], a.shippedAt - 700 * DAY, null)).toEqual({ kind: 'stale', order: a, ambiguousWith: [] });
  });
  it('a shared number goes to the order shipped nearest before the event, naming the other', () => {
    expect(matchEventToOrder([a, b], 170 * DAY, null)).toEqual({ kind: 'matched', order: b, ambiguousWith: ['A'] });
    expect(matchEventToOrder([a, b], 120 * DAY, null)).toEqual({ kind: 'matched', order: a, ambiguousWith: ['B'] });
    expect(matchEventToOrder([b, a], 120 * DAY, null)).toEqual({ kind: 'matched', order: a, ambiguousWith: ['B'] });
  });
  it('the carrier narrows first', () => {
    expect(matchEventToOrder([a, b, c], 170 * DAY, 'china-post')).toEqual({ kind: 'matched', order: b, ambiguousWith: ['A', 'C'] });
    expect(matchEventToOrder([a, b, c], 170 * DAY, 'dhl')).toEqual({ kind: 'matched', order: c, ambiguousWith: ['A', 'B'] });
    expect(matchEventToOrder([a, b], 170 * DAY, 'ups')).toEqual({ kind: 'matched', order: b, ambiguousWith: ['A'] });
  });
});
