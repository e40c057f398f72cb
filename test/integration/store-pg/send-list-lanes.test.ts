import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenLedger } from '../../../src/store/ledger-api.js';
import { COUNT_CAP, parseFilter, SMALL_LANE, type FilterFlags } from '../../../src/store/send-list.js';
import { contractPair, DAY, T0, type ContractPair } from './contract-pair.js';

/**
 * The send list led by either side: a lane past SMALL_LANE orders is walked
 * in due order, a smaller one (or one of no orders at all) read from its
 * orders. Both must give the rows a plain filter over every send gives, on
 * both engines. The rows: ORDERS orders, all US but for a few JP ones; two
 * sends each, due an hour apart per order, a few failed.
 */
const ORDERS = SMALL_LANE + 600;
const JP_EVERY = 700; // order i is JP when i % JP_EVERY === 0: 8 of them
const FAILED_EVERY = 997;

interface Model {
  id: number;
  orderId: string;
  country: string;
  carrier: string;
  store: string;
  milestone: string;
  status: string;
  dueAt: number;
}

/** The same rows the SQL below writes, in id order. */
function model(): Model[] {
  const rows: Model[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const lane = { orderId: `L${i}`, country: i % JP_EVERY === 0 ? 'JP' : 'US', carrier: i % 2 ? 'dhl' : 'cainiao', store: `s${i % 3}` };
    // Due times interleave orders, two orders to each hour (ties are broken by id): order i's shipped letter
    // at T0 + (i * 37 % (ORDERS / 2)) hours.
    const due = T0 + ((i * 37) % (ORDERS / 2)) * 3_600_000;
    rows.push({ id: rows.length + 1, ...lane, milestone: 'shipped', status: i % FAILED_EVERY === 5 ? 'failed' : 'sent', dueAt: due });
    rows.push({ id: rows.length + 1, ...lane, milestone: 'day14', status: 'scheduled', dueAt: due + 14 * DAY });
  }
  return rows;
}

async function seed(pair: ContractPair): Promise<void> {
  const orderSql = (series: string) => `INSERT INTO orders (order_id, store, buyer_name, buyer_email, buyer_locale, buyer_timezone, country, carrier, tracking_number, shipped_at, created_at, updated_at)
    SELECT 'L' || i, 's' || (i % 3), 'B', 'b' || i || '@example.com', 'en', 'UTC', CASE WHEN i % ${JP_EVERY} = 0 THEN 'JP' ELSE 'US' END,
           CASE WHEN i % 2 = 1 THEN 'dhl' ELSE 'cainiao' END, 'TN' || i, ${T0}, ${T0}, ${T0} FROM ${series} ORDER BY i`;
  // Sends in id order: order i's shipped letter, then its day14.
  const sendSql = (series: string) => `INSERT INTO sends (order_id, milestone, status, due_at, created_at, updated_at)
    SELECT 'L' || i, m.milestone, CASE WHEN m.k = 1 THEN 'scheduled' WHEN i % ${FAILED_EVERY} = 5 THEN 'failed' ELSE 'sent' END,
           ${T0} + ((i * 37) % ${ORDERS / 2}) * 3600000 + m.k * ${14 * DAY}, ${T0}, ${T0}
    FROM ${series} CROSS JOIN (SELECT 0 AS k, 'shipped' AS milestone UNION ALL SELECT 1, 'day14') m ORDER BY i, m.k`;
  const sqliteSeries = `(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ORDERS - 1}) SELECT i FROM n) AS s`;
  const db = (pair.sqlite as OpenLedger).sqlite!.$client;
  db.exec(orderSql(sqliteSeries));
  db.exec(sendSql(sqliteSeries));
  const pgSeries = `generate_series(0::bigint, ${ORDERS - 1}) AS s(i)`;
  await pair.pg.pool.query(orderSql(pgSeries));
  await pair.pg.pool.query(sendSql(pgSeries));
  // As autovacuum would have by the time a seller lists: the planner knows the tables' sizes.
  db.exec('ANALYZE');
  await pair.pg.pool.query('ANALYZE');
}

describe('the send list, led by a lane\'s orders or by the sends, agrees with the plain filter', () => {
  let pair: ContractPair;
  const rows = model();
  beforeAll(async () => {
    pair = await contractPair();
    await seed(pair);
  }, 60_000);
  afterAll(() => pair?.close());

  const cases: Array<[string, FilterFlags, (r: Model) => boolean]> = [
    ['a large lane (walked in due order)', { country: 'US' }, (r) => r.country === 'US'],
    ['a small lane (read from its orders)', { country: 'JP' }, (r) => r.country === 'JP'],
    ['a lane of no orders', { country: 'FR' }, () => false],
    ['a large lane and a rare status', { country: 'US', status: 'failed' }, (r) => r.country === 'US' && r.status === 'failed'],
    ['a large lane and a common status', { country: 'US', status: 'scheduled' }, (r) => r.country === 'US' && r.status === 'scheduled'],
    ['a large lane, two statuses', { country: 'US', status: 'failed,scheduled' }, (r) => r.country === 'US' && (r.status === 'failed' || r.status === 'scheduled')],
    ['a lane combination that matches nothing', { country: 'JP', carrier: 'dhl', store: 's1' }, (r) => r.country === 'JP' && r.carrier === 'dhl' && r.store === 's1'],
    ['a milestone alone', { milestone: 'day14' }, (r) => r.milestone === 'day14'],
    ['a milestone with no sends', { milestone: 'customs' }, () => false],
    ['a status and a milestone that never meet', { status: 'sent', milestone: 'day14' }, () => false],
    ['a status and a milestone', { status: 'failed', milestone: 'shipped' }, (r) => r.status === 'failed' && r.milestone === 'shipped'],
    ['two milestones and two statuses (four ranges merged)', { milestone: 'shipped,day14', status: 'failed,scheduled' }, (r) => r.status === 'failed' || r.status === 'scheduled'],
    ['two statuses alone', { status: 'sent,failed' }, (r) => r.status === 'sent' || r.status === 'failed'],
    ['two milestones alone', { milestone: 'day14,shipped' }, () => true],
    ['a large lane, a milestone and two statuses', { country: 'US', milestone: 'shipped', status: 'sent,failed' }, (r) => r.country === 'US' && r.milestone === 'shipped'],
    ['a large lane and a milestone', { country: 'US', milestone: 'shipped' }, (r) => r.country === 'US' && r.milestone === 'shipped'],
    ['a small lane and a milestone', { country: 'JP', milestone: 'day14' }, (r) => r.country === 'JP' && r.milestone === 'day14'],
    ['a store and a time window', { store: 's2', since: '2026-03-20', until: '2026-03-24' }, (r) => r.store === 's2' && r.dueAt >= Date.UTC(2026, 2, 20) && r.dueAt < Date.UTC(2026, 2, 25)],
  ];

  for (const [name, flags, matches] of cases) {
    it(`${name}: count, a deep page and keyset pages`, async () => {
      const f = parseFilter(flags);
      const expected = rows.filter(matches).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id).map((r) => r.id);
      expect(await pair.same((l) => l.countSends(f))).toEqual({ n: Math.min(expected.length, COUNT_CAP), capped: expected.length > COUNT_CAP });
      expect((await pair.same((l) => l.listSends(f, 20, 0))).map((r) => r.sendId)).toEqual(expected.slice(0, 20));
      expect((await pair.same((l) => l.listSends(f, 20, 60))).map((r) => r.sendId)).toEqual(expected.slice(60, 80));
      // Three keyset pages from a cursor in the middle.
      const from = expected.length > 100 ? rows[expected[100] - 1] : null;
      let after = from ? { dueAt: from.dueAt, id: from.id } : null;
      const paged: number[] = [];
      for (let p = 0; p < 3; p++) {
        const page = await pair.same((l) => l.listSendsAfter(f, 25, after));
        paged.push(...page.map((r) => r.sendId));
        if (page.length === 0) break;
        after = { dueAt: page.at(-1)!.dueAt, id: page.at(-1)!.sendId };
      }
      expect(paged).toEqual(expected.slice(from ? 101 : 0, (from ? 101 : 0) + 75));
    });
  }
});
