import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardFilter, DashboardStage } from '../../../src/store/dashboard.js';
import type { Db } from '../../../src/store/db.js';
import { queryPostgres } from '../../helpers/postgres.js';
import { contractPair, type ContractPair } from './contract-pair.js';
import { applyBoth, DAY, DAY0, NO_FEED_DAY, NOW, seedOps, T0 } from './dashboard-seed.js';

const FULL: DashboardFilter = { fromDay: DAY0, toDay: DAY0 + 19 };
const FILTERS: DashboardFilter[] = [
  FULL,
  { ...FULL, store: 'acme' },
  { ...FULL, carrier: 'dhl' },
  { ...FULL, country: 'US' },
  { ...FULL, store: 'bolt', carrier: 'china-post', country: 'US' },
  { fromDay: DAY0 + 5, toDay: DAY0 + 9 },
  { fromDay: DAY0 + 5, toDay: DAY0 + 9, store: 'acme', country: 'ES' },
  { ...FULL, store: 'nope' },
];
const STAGES: DashboardStage[] = ['registered', 'no_feed', 'in_transit', 'customs', 'post_office', 'delivered', 'returned', 'cancelled'];
const NO_FEED_BEFORE = NO_FEED_DAY * DAY;
type Ledger = ContractPair['sqlite'];
const ids = (rows: Array<{ orderId: string }>) => rows.map((r) => r.orderId);

/**
 * The dashboard's queries on both engines over one ledger, seeded row for
 * row into each (dashboard-through-ledger.test.ts writes through the door):
 * the answers must be the same, down to nulls and order, whatever the
 * PostgreSQL database's collation.
 */
describe.each([{ icu: false }, { icu: true }])('dashboard queries: SQLite and PostgreSQL answer alike (ICU-collated PostgreSQL: $icu)', ({ icu }) => {
  let pair: ContractPair;
  let sqlite: Ledger;
  let postgres: Ledger;
  let url: string;

  /** Asks both, expects the same answer, returns it. */
  const same = <T>(ask: (l: Ledger) => Promise<T>): Promise<T> => pair.same(ask);
  const sqliteDb = () => (sqlite as unknown as { sqlite: Db }).sqlite;

  beforeAll(async () => {
    pair = await contractPair({ icu });
    [sqlite, postgres, url] = [pair.sqlite, pair.postgres, pair.pgUrl];
    await applyBoth(sqliteDb(), pair.pg.db, seedOps());
  });
  afterAll(() => pair.close());

  it('the count tables agree with a recount on both after the seed', async () => {
    expect(await sqlite.dashboardDrift()).toEqual([]);
    expect(await postgres.dashboardDrift()).toEqual([]);
  });

  it('stage counts, per filter, with the no-feed split', async () => {
    for (const f of FILTERS) for (const day of [NO_FEED_DAY, DAY0]) await same((l) => l.stageCounts(f, day));
    const all = await same((l) => l.stageCounts(FULL, NO_FEED_DAY));
    expect(Object.fromEntries(all)).toEqual({ registered: 1, no_feed: 5, in_transit: 10, customs: 5, post_office: 5, delivered: 11, returned: 5, cancelled: 1 });
    expect([...(await same((l) => l.stageCounts({ ...FULL, store: 'nope' }, NO_FEED_DAY)))]).toEqual([]);
  });

  it('lane stage counts, lane transit days, letters, filter menus, suppressions', async () => {
    for (const f of FILTERS) {
      await same((l) => l.laneStageCounts(f));
      await same((l) => l.laneTransit(f));
      await same((l) => l.letterCounts({ ...f, toDay: f.toDay + 5 }));
    }
    const lanes = await same((l) => l.laneStageCounts(FULL));
    expect(lanes.filter((r) => r.stage === 'delivered').reduce((n, r) => n + r.n, 0)).toBe(11);
    expect(lanes.every((r) => r.n > 0)).toBe(true);
    // O-DONE (inserted delivered, Wed to Wed) and O-15 (Tue to Tue): five business days each.
    expect(await same((l) => l.laneTransit({ store: 'bolt', carrier: 'dhl', country: 'DE' }))).toEqual([{ carrier: 'dhl', country: 'DE', days: 5, n: 2 }]);
    const letters = await same((l) => l.letterCounts({ fromDay: DAY0, toDay: DAY0 + 25 }));
    const total = (status: string, milestone?: string) => letters.filter((r) => r.status === status && (!milestone || r.milestone === milestone)).reduce((n, r) => n + r.n, 0);
    expect([total('sent', 'shipped'), total('sent', 'day1'), total('skipped'), total('failed')]).toEqual([16, 10, 16, 8]);
    expect(new Set(letters.filter((r) => r.status === 'skipped').map((r) => r.reason))).toEqual(new Set(['quiet_hours', 'no_email', '']));
    expect(letters.filter((r) => r.status === 'sent').every((r) => r.reason === '')).toBe(true);
    expect(await same((l) => l.filterChoices())).toEqual({ stores: ['Zeta', 'acme', 'bolt'], carriers: ['china-post', 'dhl', 'ups'], countries: ['DE', 'ES', 'FR', 'US'] });
    expect(await same((l) => l.suppressionsSince(T0))).toEqual([{ reason: 'bounce', n: 3 }, { reason: 'complaint', n: 2 }]);
    // Two and two: SQLite's order for the tie is kept.
    expect(await same((l) => l.suppressionsSince(T0 + 6 * DAY))).toEqual([{ reason: 'complaint', n: 2 }, { reason: 'bounce', n: 2 }]);
    expect(await same((l) => l.suppressionsSince(NOW))).toEqual([]);
  });

  it('sent letters per day', async () => {
    for (const store of [undefined, 'acme', 'bolt', 'nope']) for (const from of [T0, T0 + 7 * DAY + 5]) await same((l) => l.sentPerDay(from, store));
    const days = await same((l) => l.sentPerDay(T0));
    expect(days[0]).toEqual({ day: '2024-03-04', milestone: 'shipped', count: 2 });
    expect(days.reduce((n, r) => n + r.count, 0)).toBe(26);
    expect(days.map((d) => d.day)).toEqual([...days.map((d) => d.day)].sort());
  });

  it('search by order id, tracking number and address; an order\'s events', async () => {
    for (const q of ['O-03', 'TNDUP', 'TN7', 'buyer3@example.com', 'BUYER3@EXAMPLE.COM', 'Mixed.Case@Example.com', 'MIXED.case@example.com', 'nope', 'O-GONE']) await same((l) => l.findOrders(q));
    expect(ids(await same((l) => l.findOrders('O-03')))).toEqual(['O-03']);
    expect(ids(await same((l) => l.findOrders('TNDUP')))).toEqual(['O-25', 'O-05']);
    expect(ids(await same((l) => l.findOrders('BUYER3@EXAMPLE.COM')))).toEqual(['O-39', 'O-15', 'O-27', 'O-03']);
    expect(ids(await same((l) => l.findOrders('buyer3@example.com', 2)))).toEqual(['O-39', 'O-15']);
    expect(ids(await same((l) => l.findOrders('Mixed.Case@Example.com')))).toEqual(['O-07']);
    expect(await same((l) => l.findOrders('O-GONE'))).toEqual([]);
    const [order] = await same((l) => l.findOrders('O-01'));
    expect(order).toMatchObject({ state: 'active', stageRank: 1, buyerChannelId: null, disputedAt: null });
    const events = await same((l) => l.orderEvents(order));
    expect(events.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(events[1]).toEqual({ id: 2, occurredAt: null, receivedAt: T0 + DAY + 50, milestone: null, providerStatus: 'Info', provider: 'aftership', source: 'push', outcome: 'ignored', raw: '{"n":2}' });
  });

  it('a stage\'s orders, per filter and list length', async () => {
    for (const f of FILTERS) for (const stage of STAGES) for (const limit of [1, 2, 3, 50]) await same((l) => l.ordersInStage(f, stage, limit, NO_FEED_BEFORE));
    const list = async (stage: DashboardStage, f = FULL, limit = 50) => ids(await same((l) => l.ordersInStage(f, stage, limit, NO_FEED_BEFORE)));
    expect(await list('customs')).toEqual(['O-18', 'O-34', 'O-10', 'O-26', 'O-02']);
    expect(await list('no_feed')).toEqual(['O-32', 'O-T1', 'O-08', 'O-24', 'O-00']);
    expect(await list('registered')).toEqual(['O-16']);
    expect(await list('cancelled')).toEqual(['O-38']);
    expect(await list('customs', { ...FULL, store: 'acme', country: 'ES' }, 2)).toEqual(['O-02']);
    expect(await list('delivered', { fromDay: DAY0 + 2, toDay: DAY0 + 4 })).toEqual(['O-04', 'O-23', 'O-DONE']);
    expect(await list('delivered', { fromDay: DAY0 + 2, toDay: DAY0 + 4 }, 2)).toEqual(['O-04', 'O-23']);
  });

  it('the needs-attention lists', async () => {
    for (const store of [undefined, 'acme', 'bolt', 'nope']) {
      for (const limit of [1, 3, 50]) {
        for (const before of [NOW - 7 * DAY, NOW, T0 + 6 * DAY]) {
          await same((l) => l.stalledOrders(before, limit, store));
          await same((l) => l.waitingAtPostOffice(before, limit, store));
        }
        await same((l) => l.rejectedRegistrations(limit, store));
        await same((l) => l.suppressedAddresses(limit, store));
        await same((l) => l.heldReviews(limit, store));
      }
    }
    const stalled = await same((l) => l.stalledOrders(NOW - 7 * DAY, 50));
    const key = (o: { lastEventAt: number | null; shippedAt: number }) => o.lastEventAt ?? o.shippedAt;
    expect(stalled.length).toBeGreaterThan(5);
    expect(stalled.map(key)).toEqual(stalled.map(key).sort((x, y) => x - y));
    expect(stalled.filter((o) => o.lastEventAt === null).map((o) => o.orderId)).toEqual(['O-00', 'O-24', 'O-08', 'O-T1', 'O-32']);
    // Equal times: the ranges in the order SQLite reads them (rank 0, ..., rank 3, never scanned).
    expect(ids(stalled).filter((id) => ['O-T1', 'O-T2', 'O-27'].includes(id))).toEqual(['O-T2', 'O-27', 'O-T1']);
    expect(ids(stalled).indexOf('O-T1') - ids(stalled).indexOf('O-T2')).toBe(2);
    expect(ids(await same((l) => l.waitingAtPostOffice(NOW - 7 * DAY, 50)))).toEqual(['O-27', 'O-11']);
    expect(ids(await same((l) => l.rejectedRegistrations(50)))).toEqual(['O-08', 'O-00', 'O-16']);
    expect(ids(await same((l) => l.rejectedRegistrations(50, 'acme')))).toEqual(['O-08', 'O-16']);
    const suppressed = await same((l) => l.suppressedAddresses(10));
    expect(suppressed.map((s) => [s.email, s.orderId, s.store])).toEqual([
      ['buyer9@example.com', 'O-33', 'bolt'], ['nobody@example.com', null, null], ['buyer5@example.com', 'O-17', 'acme'],
      ['buyer4@example.com', 'O-16', 'acme'], ['buyer3@example.com', 'O-39', 'bolt'],
    ]);
    expect((await same((l) => l.suppressedAddresses(1, 'acme'))).map((s) => s.email)).toEqual(['buyer5@example.com']);
    const held = await same((l) => l.heldReviews(50));
    expect(held).toEqual([
      { orderId: 'O-02', store: 'acme', reason: 'other', openedAt: T0 + 15 * DAY, reviewDueAt: T0 + 2 * DAY + 3_600_000 + 2 * 60_000 + 14 * DAY + 2 },
      { orderId: 'O-14', store: 'acme', reason: 'not_received', openedAt: T0 + 16 * DAY, reviewDueAt: T0 + 14 * DAY + 3_600_000 + 14 * 60_000 + 14 * DAY + 14 },
    ]);
    expect(await same((l) => l.heldReviews(50, 'bolt'))).toEqual([]);
  });

  it('drift shows a count row put wrong on PostgreSQL, worded as on SQLite', async () => {
    const wrong = [
      `UPDATE dashboard_stage_counts SET n = n + 1 WHERE ship_day = ${DAY0 + 2} AND stage = 'customs'`,
      "DELETE FROM dashboard_lane_transit WHERE store = 'bolt' AND carrier = 'dhl' AND country = 'DE'",
      `UPDATE dashboard_send_counts SET n = n - 1 WHERE day = ${DAY0} AND store = 'bolt' AND milestone = 'shipped' AND status = 'sent'`,
    ];
    for (const statement of wrong) await queryPostgres(url, statement);
    const drift = await postgres.dashboardDrift();
    expect(await sqlite.dashboardDrift()).toEqual([]);
    expect(drift).toEqual(expect.arrayContaining([
      { table: 'dashboard_stage_counts', row: `${DAY0 + 2}|acme|china-post|ES|customs|2` },
      { table: 'dashboard_stage_counts', row: `${DAY0 + 2}|acme|china-post|ES|customs|1` },
      { table: 'dashboard_lane_transit', row: 'bolt|dhl|DE|5|2' },
      { table: 'dashboard_send_counts', row: `${DAY0}|bolt|shipped|sent||1` },
    ]));
    expect(drift).toHaveLength(4);
    // The same damage on SQLite reads the same.
    for (const statement of wrong) sqliteDb().$client.exec(statement);
    const sorted = (rows: Array<{ table: string; row: string }>) => rows.map((r) => `${r.table} ${r.row}`).sort();
    expect(sorted(await sqlite.dashboardDrift())).toEqual(sorted(drift));
  });
});
