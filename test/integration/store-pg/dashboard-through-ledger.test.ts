import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { DashboardFilter, DashboardStage } from '../../../src/store/dashboard.js';
import type { OpenLedger } from '../../../src/store/ledger-api.js';
import { twinLedgers } from '../../helpers/ledgers.js';
import { DAY, DAY0, T0 } from './dashboard-seed.js';
import { domainOrder, planned } from './ledger-fixtures.js';

type Ledger = OpenLedger;

const LANES = [['dhl', 'DE'], ['china-post', 'ES'], ['ups', 'US']] as const;
const NOW = T0 + 16 * DAY;
const iso = (ms: number) => DateTime.fromMillis(ms, { zone: 'utc' }).toISO();
const FACTS = { messageId: '<m@x>', smtpResponse: '250 ok', subject: 'Shipped', template: 'shipped', locale: 'en' };

/** One seller's fortnight, told to a ledger through its door: the same calls, in the same order, on each engine. */
async function fortnight(l: Ledger): Promise<void> {
  for (let i = 0; i < 24; i++) {
    const ship = T0 + (i % 12) * DAY + 3_600_000 + i * 60_000;
    const orderId = `L-${String(i).padStart(2, '0')}`;
    const [carrier, country] = LANES[i % 3];
    const trackingNumber = `LT${i}`;
    const order = domainOrder(orderId, { store: i % 4 === 0 ? 'bolt' : 'acme', carrier, country, trackingNumber, buyerEmail: `l${i % 8}@example.com`, shippedAt: DateTime.fromMillis(ship, { zone: 'utc' }) });
    const plan = [planned('shipped', ship), planned('day1', ship + DAY), planned('day14', ship + 14 * DAY), ...(i % 5 === 0 ? [planned('customs', ship + 2 * DAY, { status: 'skipped', reason: 'disabled' })] : [])];
    expect(await l.insertOrder(order, plan, ship, { orderId, provider: '17track', trackingNumber, carrier })).toEqual({ created: true });
    const shipped = (await l.sendsOfOrder(orderId)).find((s) => s.milestone === 'shipped')!;
    if (i % 4 !== 3) expect(await l.claimSend(shipped.id, ship + 1_000, 60_000)).not.toBeNull();
    if (i % 4 === 0) await l.recordSent(shipped.id, FACTS, ship + 2_000);
    if (i % 4 === 1) await l.recordSkip(shipped.id, 'stale', ship + 2_000);
    if (i % 4 === 2) await l.recordFailed(shipped.id, '550 5.1.1 no such user', ship + 2_000);
    const scan = ship + (1 + (i % 5)) * DAY;
    if (i % 6 !== 0) {
      const [stored] = await l.recordTrackingEvents([{ provider: 'aftership', dedupKey: `k${i}`, trackingNumber, carrier, providerStatus: 'InTransit', outcome: null, occurredAt: iso(scan) }], '{}', scan);
      if (stored.stored) await l.markEventApplied(stored.id, orderId, 'applied', scan);
    }
    if (i % 6 === 1) await l.noteOrderNews(orderId, scan, scan);
    if (i % 6 === 2) await l.advanceOrderStage(orderId, 2, scan, scan);
    if (i % 6 === 3) await l.advanceOrderStage(orderId, 3, scan, scan);
    if (i % 6 === 4) await l.finishOrder(orderId, 'delivered', 4, scan + 2 * DAY, scan);
    if (i % 6 === 5) await l.finishOrder(orderId, 'returned', 1, scan, scan);
  }
  await l.cancelOrder('L-06', 'refund', NOW);
  await l.suppress('l1@example.com', 'all', 'bounce', T0 + 3 * DAY);
  await l.suppress('l2@example.com', 'review', 'unsubscribe', T0 + 4 * DAY);
  await l.suppress('l3@example.com', 'all', 'complaint', T0 + 5 * DAY);
  await l.insertDispute('L-08', 'not_received', T0 + 10 * DAY);
  await l.markRejected('L-12', 'invalid number', T0 + DAY);
}

describe('dashboard over a ledger written through its door, on both engines', () => {
  const twins = twinLedgers(fortnight);
  const { same } = twins;

  it('the triggers kept the counts on both, and every view reads the same', async () => {
    expect(await twins.sqlite.dashboardDrift()).toEqual([]);
    expect(await twins.postgres.dashboardDrift()).toEqual([]);
    const full: DashboardFilter = { fromDay: DAY0, toDay: DAY0 + 15 };
    const counts = await same((l) => l.stageCounts(full, DAY0 + 6));
    expect([...counts.values()].reduce((n, c) => n + c, 0)).toBe(24);
    expect(Object.fromEntries(counts)).toMatchObject({ delivered: 4, returned: 4, cancelled: 1, customs: 4, post_office: 4, in_transit: 4 });
    for (const f of [full, { ...full, store: 'bolt' }, { ...full, carrier: 'ups' }, { fromDay: DAY0 + 2, toDay: DAY0 + 6, country: 'ES' }]) {
      await same((l) => l.laneStageCounts(f));
      await same((l) => l.laneTransit(f));
      await same((l) => l.letterCounts(f));
      for (const stage of ['registered', 'no_feed', 'in_transit', 'customs', 'post_office', 'delivered', 'returned', 'cancelled'] as DashboardStage[]) {
        for (const limit of [2, 50]) await same((l) => l.ordersInStage(f, stage, limit, (DAY0 + 6) * DAY));
      }
    }
    const letters = await same((l) => l.letterCounts(full));
    expect(letters.filter((r) => r.milestone === 'customs').every((r) => r.status === 'skipped' && r.reason === 'disabled')).toBe(true);
    expect(await same((l) => l.sentPerDay(T0))).toEqual(['2024-03-04', '2024-03-08', '2024-03-12'].map((day) => ({ day, milestone: 'shipped', count: 2 })));
    await same((l) => l.filterChoices());
    expect(await same((l) => l.suppressionsSince(T0))).toEqual([{ reason: 'complaint', n: 1 }, { reason: 'bounce', n: 1 }]);
    const [found] = await same((l) => l.findOrders('LT9'));
    expect((await same((l) => l.orderEvents(found))).map((e) => e.provider)).toEqual(['aftership']);
    await same((l) => l.findOrders('l1@example.com'));
    for (const store of [undefined, 'acme']) {
      await same((l) => l.stalledOrders(NOW - 5 * DAY, 50, store));
      await same((l) => l.waitingAtPostOffice(NOW - 5 * DAY, 50, store));
      await same((l) => l.rejectedRegistrations(50, store));
      await same((l) => l.suppressedAddresses(50, store));
      await same((l) => l.heldReviews(50, store));
    }
    expect((await same((l) => l.rejectedRegistrations(50))).map((r) => r.orderId)).toEqual(['L-12']);
    expect((await same((l) => l.heldReviews(50))).map((r) => [r.orderId, r.reviewDueAt])).toEqual([['L-08', T0 + 8 * DAY + 3_600_000 + 8 * 60_000 + 14 * DAY]]);
  });
});
