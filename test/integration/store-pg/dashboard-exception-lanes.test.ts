import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { DashboardFilter, DashboardStage } from '../../../src/store/dashboard.js';
import type { OpenLedger } from '../../../src/store/ledger-api.js';
import { sqliteOf, twinLedgers } from '../../helpers/ledgers.js';
import { DAY, DAY0, T0 } from './dashboard-seed.js';
import { domainOrder, planned } from './ledger-fixtures.js';

type Ledger = OpenLedger;

const LANES = [['dhl', 'DE'], ['china-post', 'ES'], ['ups', 'US']] as const;
const NOW = T0 + 40 * DAY;
const FACTS = { messageId: '<m@x>', smtpResponse: '250 ok', subject: 'Shipped', template: 'shipped', locale: 'en' };
const ids = (rows: Array<{ orderId: string }>) => rows.map((r) => r.orderId);

/**
 * Eighteen parcels over three lanes, written through the door: scanned once
 * (every third), then in exception (X-03 and X-09 stay so, X-06's exception
 * is followed by a scan, X-12 gets a late, older one after its scan)
 * (X-10, never scanned, has one too), disputes, rejections, suppressions.
 */
async function story(l: Ledger): Promise<void> {
  for (let i = 0; i < 18; i++) {
    const ship = T0 + i * DAY + 3_600_000;
    const orderId = `X-${String(i).padStart(2, '0')}`;
    const [carrier, country] = LANES[i % 3];
    const order = domainOrder(orderId, { store: i % 2 === 0 ? 'acme' : 'bolt', carrier, country, trackingNumber: `XT${i}`, buyerEmail: `x${i}@example.com`, shippedAt: DateTime.fromMillis(ship, { zone: 'utc' }) });
    expect(await l.insertOrder(order, [planned('shipped', ship)], ship, { orderId, provider: '17track', trackingNumber: `XT${i}`, carrier })).toEqual({ created: true });
    const shipped = (await l.sendsOfOrder(orderId)).find((s) => s.milestone === 'shipped')!;
    expect(await l.claimSend(shipped.id, NOW - DAY, 60_000)).not.toBeNull();
    await l.recordSent(shipped.id, FACTS, NOW - DAY + 1_000);
    if (i % 3 === 0 || i === 12) await l.noteOrderNews(orderId, ship + DAY, ship + DAY);
  }
  // In exception: the latest news. An exception noted before the order's first scan counts as well.
  for (const id of ['X-03', 'X-06', 'X-10']) await l.noteOrderException(id, T0 + 20 * DAY, T0 + 20 * DAY);
  await l.noteOrderNews('X-03', T0 + 20 * DAY, T0 + 20 * DAY);
  await l.noteOrderNews('X-06', T0 + 21 * DAY, T0 + 21 * DAY);
  // An older exception after a newer scan: not the latest news.
  await l.noteOrderException('X-12', T0 + 12 * DAY, T0 + 22 * DAY);
  // A delivered order's exception stays out of the stage.
  await l.finishOrder('X-15', 'delivered', 4, T0 + 25 * DAY, T0 + 25 * DAY);
  await l.noteOrderException('X-15', T0 + 24 * DAY, T0 + 25 * DAY);
  for (const id of ['X-01', 'X-02', 'X-04']) await l.insertDispute(id, 'not_received', T0 + 30 * DAY);
  for (const id of ['X-01', 'X-05']) await l.markRejected(id, 'invalid number', T0 + 2 * DAY);
  await l.suppress('x1@example.com', 'all', 'bounce', T0 + 31 * DAY);
  await l.suppress('x2@example.com', 'all', 'complaint', T0 + 32 * DAY);
}

describe('the exception stage and the needs-attention lane filters, written through the door, on both engines', () => {
  const twins = twinLedgers(story);
  const { same } = twins;

  it('an exception that is the latest news is its own stage, kept by the triggers; a later scan moves the parcel on', async () => {
    expect(await twins.sqlite.dashboardDrift()).toEqual([]);
    expect(await twins.postgres.dashboardDrift()).toEqual([]);
    const full: DashboardFilter = { fromDay: DAY0, toDay: DAY0 + 20 };
    const counts = await same((l) => l.stageCounts(full, DAY0));
    expect(Object.fromEntries(counts)).toEqual({ exception: 2, in_transit: 4, registered: 11, delivered: 1 });
    expect(ids(await same((l) => l.ordersInStage(full, 'exception', 50, DAY0 * DAY)))).toEqual(['X-10', 'X-03']);
    for (const f of [full, { ...full, store: 'acme' }, { ...full, carrier: 'china-post' }, { ...full, country: 'ES', store: 'bolt' }]) {
      for (const stage of ['exception', 'registered', 'no_feed', 'in_transit', 'delivered'] as DashboardStage[]) {
        for (const limit of [1, 50]) await same((l) => l.ordersInStage(f, stage, limit, (DAY0 + 10) * DAY));
      }
    }
    // A list holds what its segment counts: the exceptions are in no other active stage's list.
    const inTransit = ids(await same((l) => l.ordersInStage(full, 'in_transit', 50, DAY0 * DAY)));
    expect(inTransit).toEqual(['X-12', 'X-09', 'X-06', 'X-00']);
    const registered = ids(await same((l) => l.ordersInStage(full, 'registered', 50, DAY0 * DAY)));
    expect(registered).not.toContain('X-10');
    expect(registered).toHaveLength(11);
    expect(ids(await same((l) => l.ordersInStage({ ...full, store: 'bolt' }, 'exception', 50, DAY0 * DAY)))).toEqual(['X-03']);
    expect(ids(await same((l) => l.ordersInStage({ ...full, country: 'DE' }, 'exception', 50, DAY0 * DAY)))).toEqual(['X-03']);
    expect(await same((l) => l.ordersInStage({ ...full, country: 'US' }, 'exception', 50, DAY0 * DAY))).toEqual([]);
  });

  it('SQLite reads an exception list from the partial index of the orders that had one', () => {
    // ordersInStage names the index (INDEXED BY fails if unusable); this says the planner takes it unasked too.
    const db = sqliteOf(twins.sqlite);
    const plan = db.$client.prepare(`EXPLAIN QUERY PLAN SELECT rowid FROM orders WHERE state = 'active' AND exception_at IS NOT NULL AND exception_at >= coalesce(last_event_at, 0) AND shipped_at >= 0 AND shipped_at < 1 ORDER BY shipped_at DESC`).all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join('; ')).toContain('orders_exception_idx');
  });

  it('the needs-attention lists keep to a carrier and a country, with or without a store', async () => {
    const before = T0 + 30 * DAY;
    for (const store of [undefined, 'acme', 'bolt']) {
      for (const lane of [{}, { carrier: 'dhl' }, { country: 'ES' }, { carrier: 'china-post', country: 'ES' }, { carrier: 'dhl', country: 'ES' }]) {
        await same((l) => l.stalledOrders(before, 50, store, lane));
        await same((l) => l.waitingAtPostOffice(before, 50, store, lane));
        await same((l) => l.rejectedRegistrations(50, store, lane));
        await same((l) => l.suppressedAddresses(50, store, lane));
        await same((l) => l.heldReviews(50, store, lane));
        await same((l) => l.activeOrdersShippedBy({ shippedBy: before, store, limit: 50, ...lane }));
      }
    }
    const stalled = await same((l) => l.stalledOrders(before, 50, undefined, { country: 'DE' }));
    expect(stalled.length).toBeGreaterThan(0);
    expect(stalled.every((o) => o.country === 'DE')).toBe(true);
    expect(ids(await same((l) => l.stalledOrders(before, 2, undefined, { carrier: 'ups' })))).toEqual(['X-02', 'X-05']);
    expect(ids(await same((l) => l.rejectedRegistrations(50, undefined, { carrier: 'china-post' })))).toEqual(['X-01']);
    expect(ids(await same((l) => l.rejectedRegistrations(50, undefined, { country: 'US' })))).toEqual(['X-05']);
    expect(ids(await same((l) => l.heldReviews(50, undefined, { carrier: 'dhl', country: 'DE' })))).toEqual([]);
    expect(ids(await same((l) => l.heldReviews(50, undefined, { country: 'US' })))).toEqual(['X-02']);
    expect((await same((l) => l.suppressedAddresses(50, undefined, { carrier: 'ups' }))).map((s) => s.email)).toEqual(['x2@example.com']);
    expect((await same((l) => l.suppressedAddresses(50, 'acme', { carrier: 'china-post' })))).toEqual([]);
    const old = await same((l) => l.activeOrdersShippedBy({ shippedBy: T0 + 5 * DAY, country: 'ES' }));
    expect(ids(old)).toEqual(['X-01', 'X-04']);
  });

  it('deliverability over the last 7 days reads the same on both', async () => {
    const health = await same((l) => l.deliverabilityHealth({ now: NOW, days: 7 }));
    expect(health.stores.map((r) => [r.store, r.sent])).toEqual([['acme', 9], ['bolt', 9]]);
  });
});
