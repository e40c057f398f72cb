import { afterEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/domain/clock.js';
import { ordersAtRisk, protectionDeadline, protectionStatus } from '../../../src/domain/protection.js';
import { listAtRisk } from '../../../src/services/at-risk.js';
import { closeDb, type Db } from '../../../src/store/db.js';
import { sqliteLedger } from '../../../src/store/sqlite-ledger.js';
import { memoryDb, seedEvent, seedOrder } from './seed.js';

const DAY = 86_400_000;
const clock = new FixedClock('2026-05-01T12:00:00Z');
const now = clock.now().toMillis();
const shippedDaysAgo = (days: number): string => new Date(now - days * DAY).toISOString();

describe('protection deadline (pure)', () => {
  const order = { orderId: 'A', store: 's', state: 'active' as const, shippedAt: now - 55 * DAY };

  it('is shipped-at + 60 days by default, or the store setting', () => {
    expect(protectionDeadline(0)).toBe(60 * DAY);
    expect(protectionDeadline(0, 90)).toBe(90 * DAY);
  });

  it('is at risk within the horizon, with whole days left', () => {
    expect(protectionStatus(order, { now, withinDays: 10 })).toEqual({ deadline: now + 5 * DAY, daysLeft: 5, atRisk: true, expired: false });
    expect(protectionStatus(order, { now, withinDays: 4 }).atRisk).toBe(false);
    expect(protectionStatus(order, { now, withinDays: 10, protectionDays: 90 }).atRisk).toBe(false);
    expect(protectionStatus({ ...order, shippedAt: now - 61 * DAY }, { now, withinDays: 0 })).toMatchObject({ atRisk: true, expired: true, daysLeft: -1 });
  });

  it('never flags a delivered, returned or cancelled order', () => {
    for (const state of ['delivered', 'returned', 'cancelled'] as const) {
      expect(protectionStatus({ ...order, state }, { now, withinDays: 10 }).atRisk).toBe(false);
    }
  });

  it('orders the most urgent first, per-store protection days', () => {
    const orders = [
      { orderId: 'late', store: 'long', state: 'active' as const, shippedAt: now - 85 * DAY }, // 90d store: 5 left
      { orderId: 'soon', store: 's', state: 'active' as const, shippedAt: now - 58 * DAY }, // 2 left
      { orderId: 'gone', store: 's', state: 'active' as const, shippedAt: now - 70 * DAY }, // ended 10 days ago
      { orderId: 'safe', store: 'long', state: 'active' as const, shippedAt: now - 58 * DAY }, // 32 left
    ];
    const result = ordersAtRisk(orders, { now, withinDays: 10, protectionDaysFor: (s) => (s === 'long' ? 90 : undefined) });
    expect(result.map((o) => [o.orderId, o.protection.daysLeft])).toEqual([['gone', -10], ['soon', 2], ['late', 5]]);
  });
});

describe('listAtRisk (ledger)', () => {
  let db: Db;
  afterEach(() => closeDb(db));

  it('lists undelivered active orders with tracking state, filtered by store and horizon', async () => {
    db = memoryDb();
    const ledger = sqliteLedger(db);
    seedOrder(db, { orderId: 'A1', store: 'acme', shippedAt: shippedDaysAgo(52), stageRank: 2 });
    seedEvent(db, 'A1', 'customs', shippedDaysAgo(40), 'InTransit/Customs');
    seedOrder(db, { orderId: 'A2', store: 'acme', shippedAt: shippedDaysAgo(59) });
    seedOrder(db, { orderId: 'A3', store: 'acme', shippedAt: shippedDaysAgo(59), state: 'delivered' });
    seedOrder(db, { orderId: 'A4', store: 'acme', shippedAt: shippedDaysAgo(20) });
    seedOrder(db, { orderId: 'B1', store: 'bolt', shippedAt: shippedDaysAgo(85) }); // 90-day store: 5 left
    seedOrder(db, { orderId: 'B2', store: 'bolt', shippedAt: shippedDaysAgo(59) }); // 31 left
    const file = { stores: { bolt: { protectionDays: 90 } } };

    const all = await listAtRisk(ledger, file, { now, withinDays: 10 });
    expect(all.map((o) => o.orderId)).toEqual(['A2', 'B1', 'A1']);
    expect(all[2]).toMatchObject({
      stage: 'customs',
      lastEvent: { milestone: 'customs', providerStatus: 'InTransit/Customs', occurredAt: now - 40 * DAY },
      protection: { daysLeft: 8 },
    });
    expect(all[0]!.lastEvent).toBeNull();
    expect((await listAtRisk(ledger, file, { now, withinDays: 10, store: 'bolt' })).map((o) => o.orderId)).toEqual(['B1']);
    expect((await listAtRisk(ledger, file, { now, withinDays: 3 })).map((o) => o.orderId)).toEqual(['A2']);
  });
});
