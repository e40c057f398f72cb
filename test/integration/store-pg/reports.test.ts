import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractPair, DAY, order, scan, T0, type ContractPair } from './contract-pair.js';

describe('report queries on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
    await pair.seed('orders', [
      // Z1 and A9 shipped at the same time: Z1 was entered first.
      order('Z1', { shippedAt: T0, stageRank: 2, createdAt: T0 }),
      order('A9', { shippedAt: T0, createdAt: T0 + 1 }),
      order('E1', { store: 'eu', carrier: 'dhl', country: 'DE', shippedAt: T0 - DAY }),
      order('E2', { store: 'eu', carrier: 'dhl', country: 'DE', shippedAt: T0 + DAY }),
      order('D1', { state: 'delivered', shippedAt: T0 - 2 * DAY, buyerTimezone: 'Europe/Madrid', carrier: 'dhl', country: 'ES' }),
      order('a2', { state: 'delivered', shippedAt: T0 - 3 * DAY, store: 'Zeta' }),
      order('B3', { state: 'delivered', shippedAt: T0 - 3 * DAY, store: 'alpha' }),
    ]);
  });
  afterEach(() => pair.close());

  it('activeOrdersShippedBy: active orders shipped by the time, oldest first (entered first among equals), for a store, with a limit', async () => {
    const all = await pair.same((l) => l.activeOrdersShippedBy({ shippedBy: T0 }));
    expect(all).toEqual([
      { orderId: 'E1', store: 'eu', state: 'active', buyerName: 'Ana Souza', buyerEmail: 'ana@example.com', country: 'DE', carrier: 'dhl', trackingNumber: 'LPE1', shippedAt: T0 - DAY, stageRank: 0 },
      { orderId: 'Z1', store: 'default', state: 'active', buyerName: 'Ana Souza', buyerEmail: 'ana@example.com', country: 'BR', carrier: 'cainiao', trackingNumber: 'LPZ1', shippedAt: T0, stageRank: 2 },
      { orderId: 'A9', store: 'default', state: 'active', buyerName: 'Ana Souza', buyerEmail: 'ana@example.com', country: 'BR', carrier: 'cainiao', trackingNumber: 'LPA9', shippedAt: T0, stageRank: 0 },
    ]);
    expect((await pair.same((l) => l.activeOrdersShippedBy({ shippedBy: T0 + DAY, limit: 2 }))).map((o) => o.orderId)).toEqual(['E1', 'Z1']);
    expect((await pair.same((l) => l.activeOrdersShippedBy({ shippedBy: T0 + DAY, store: 'eu' }))).map((o) => o.orderId)).toEqual(['E1', 'E2']);
    expect((await pair.same((l) => l.activeOrdersShippedBy({ shippedBy: T0 + DAY, store: 'eu', limit: 1.7 }))).map((o) => o.orderId)).toEqual(['E1']);
    expect(await pair.same((l) => l.activeOrdersShippedBy({ shippedBy: T0 + DAY, limit: -3 }))).toEqual([]);
    expect(await pair.same((l) => l.activeOrdersShippedBy({ shippedBy: T0 - 5 * DAY }))).toEqual([]);
  });

  it("lastEventReader: the order's newest event, one without a time after every dated one, the later row among equals; null without any", async () => {
    await pair.seed('trackingEvents', [
      scan('Z1', 'e1', { occurredAt: T0 + 5, milestone: 'customs', providerStatus: 'InTransit_Customs' }),
      scan('Z1', 'e2', { occurredAt: null, milestone: 'exception', providerStatus: 'Exception' }),
      scan('Z1', 'e3', { occurredAt: T0 + 1 }),
      scan('A9', 'e4', { occurredAt: T0 + 2, providerStatus: 'first' }),
      scan('A9', 'e5', { occurredAt: T0 + 2, providerStatus: 'second' }),
      scan('E1', 'e6', { occurredAt: null, providerStatus: 'undated' }),
    ]);
    const read = await pair.same(async (l) => {
      const last = l.lastEventReader();
      return Promise.all(['Z1', 'A9', 'E1', 'nope', 'Z1'].map((id) => last(id)));
    });
    expect(read).toEqual([
      { milestone: 'customs', providerStatus: 'InTransit_Customs', occurredAt: T0 + 5 },
      { milestone: null, providerStatus: 'second', occurredAt: T0 + 2 },
      { milestone: null, providerStatus: 'undated', occurredAt: null },
      null,
      { milestone: 'customs', providerStatus: 'InTransit_Customs', occurredAt: T0 + 5 },
    ]);
    // Inside a transaction as well.
    expect(await pair.postgres.transaction((tx) => tx.lastEventReader()('A9'))).toEqual(read[1]);
    // Many at once: the same events, in the order asked, an order without any left out.
    expect(await pair.same((l) => l.lastEvents(['Z1', 'A9', 'E1', 'nope', 'Z1']))).toEqual(
      [read[0], read[1], read[2], read[4]].map((event, i) => ({ orderId: ['Z1', 'A9', 'E1', 'Z1'][i], ...event })));
  });

  it('deliveredParcels: the first delivery scan of each order, none stamped before shipping, by order id as bytes', async () => {
    await pair.seed('trackingEvents', [
      scan('D1', 'd1', { milestone: 'delivered', occurredAt: T0 + 2 * DAY }),
      scan('D1', 'd2', { milestone: 'delivered', occurredAt: T0 + DAY }),
      scan('D1', 'd3', { milestone: 'delivered', occurredAt: T0 - 3 * DAY }), // before shipping: bad data
      scan('D1', 'd4', { milestone: 'customs', occurredAt: T0 - DAY }),
      scan('a2', 'd5', { milestone: 'delivered', occurredAt: T0 }),
      scan('B3', 'd6', { milestone: 'delivered', occurredAt: null }),
      scan('B3', 'd7', { milestone: 'delivered', occurredAt: T0 - 4 * DAY }),
      scan(null, 'd8', { milestone: 'delivered', occurredAt: T0 }),
    ]);
    expect(await pair.same((l) => l.deliveredParcels())).toEqual([
      { carrier: 'dhl', country: 'ES', shippedAt: T0 - 2 * DAY, timezone: 'Europe/Madrid', deliveredAt: T0 + DAY },
      { carrier: 'cainiao', country: 'BR', shippedAt: T0 - 3 * DAY, timezone: 'America/Sao_Paulo', deliveredAt: T0 },
    ]);
  });

  it('laneOrderCounts: orders per carrier and country, every lane, in byte order', async () => {
    await pair.seed('orders', [order('X1', { carrier: 'DHL-test', country: 'ES' })]);
    expect(await pair.same((l) => l.laneOrderCounts())).toEqual([
      { carrier: 'DHL-test', country: 'ES', orders: 1 },
      { carrier: 'cainiao', country: 'BR', orders: 4 },
      { carrier: 'dhl', country: 'DE', orders: 2 },
      { carrier: 'dhl', country: 'ES', orders: 1 },
    ]);
  });

  it('storeHasOrders and storesWithOrders (distinct, byte order, limited)', async () => {
    expect(await pair.same((l) => l.storeHasOrders('eu'))).toBe(true);
    expect(await pair.same((l) => l.storeHasOrders('EU'))).toBe(false);
    expect(await pair.same((l) => l.storesWithOrders(50))).toEqual(['Zeta', 'alpha', 'default', 'eu']);
    expect(await pair.same((l) => l.storesWithOrders(2))).toEqual(['Zeta', 'alpha']);
    expect(await pair.same((l) => l.storesWithOrders(0))).toEqual([]);
  });
});
