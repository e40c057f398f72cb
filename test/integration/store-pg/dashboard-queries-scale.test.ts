import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardFilter, DashboardStage } from '../../../src/store/dashboard.js';
import { STAGE_SCAN_ROWS } from '../../../src/store/dashboard-orders.js';
import { pgDashboardAttentionQueries } from '../../../src/store/pg/dashboard-attention-queries.js';
import { pgDashboardOrdersQueries } from '../../../src/store/pg/dashboard-orders-queries.js';
import { openPgLedger, type PgLedger } from '../../../src/store/pg/ledger.js';
import type { PgQ } from '../../../src/store/pg/queries.js';
import * as schema from '../../../src/store/schema-pg.js';
import { postgresTestLedger, sqliteTestLedger } from '../../helpers/ledgers.js';
import { applyBoth, DAY, DAY0, T0 } from './dashboard-seed.js';

type Ledger = Awaited<ReturnType<typeof sqliteTestLedger>>['ledger'];

const N = 8_000;
const STEP = 60 * DAY / N;
/** Order i: 60 days of orders, mostly in transit; the only UPS lane among the oldest 300; customs rare and old. */
function order(i: number) {
  const shippedAt = T0 + i * STEP;
  const [carrier, country] = i < 300 ? ['ups', 'US'] : [['dhl', 'DE'], ['dhl', 'FR'], ['china-post', 'ES']][i % 3];
  const fate =
    i % 20 === 0 ? { state: 'delivered', stageRank: 3, lastEventAt: shippedAt + ((i % 9) + 2) * DAY }
    : i % 20 === 3 ? {}
    : i < 1_500 && i % 50 === 7 ? { stageRank: 2, lastEventAt: shippedAt + 3 * DAY }
    : i % 200 === 11 ? { state: 'returned', stageRank: 1, lastEventAt: shippedAt + DAY }
    : { stageRank: i % 2, lastEventAt: shippedAt + DAY + (i % 5) * 3_600_000 };
  return {
    orderId: `S-${String(i).padStart(5, '0')}`, store: i % 4 === 0 ? 'bolt' : 'acme', buyerName: 'B', buyerEmail: `b${i % 500}@example.com`, buyerLocale: 'en',
    buyerTimezone: 'UTC', country, carrier, trackingNumber: `TS${i % 4_000}`, shippedAt, createdAt: shippedAt, updatedAt: shippedAt, ...fate,
  };
}

const FULL: DashboardFilter = { fromDay: DAY0, toDay: DAY0 + 60 };

/** Every statement a call sends, with its parameters. */
function recording(pool: PgLedger['pool']) {
  const sent: Array<{ query: string; params: unknown[] }> = [];
  const db = drizzle(pool, { schema, logger: { logQuery: (query, params) => sent.push({ query, params }) } }) as unknown as PgQ;
  return { db, sent };
}

/** The plan's scans, as EXPLAIN's text names them: `Index Scan Backward orders_state_shipped_idx`, `Seq Scan orders`... */
function scans(plan: Record<string, unknown>): string[] {
  const node = `${plan['Node Type']}${plan['Scan Direction'] === 'Backward' ? ' Backward' : ''}`;
  const here = typeof plan['Relation Name'] === 'string' || typeof plan['Index Name'] === 'string' ? [`${node} ${plan['Index Name'] ?? plan['Relation Name']}`] : [];
  return [...here, ...((plan.Plans as Array<Record<string, unknown>> | undefined) ?? []).flatMap(scans)];
}

describe('dashboard queries at a few thousand orders', () => {
  let sqlite: Ledger;
  let postgres: Ledger;
  let writer: PgLedger;
  const closers: Array<() => Promise<void>> = [];
  const same = async <T>(ask: (l: Ledger) => Promise<T>): Promise<T> => {
    const want = await ask(sqlite);
    expect(await ask(postgres)).toStrictEqual(want);
    return want;
  };
  /** The scans of each statement `call` sends, planned by PostgreSQL on this ledger. */
  const plans = async (call: (db: PgQ) => Promise<unknown>): Promise<string[][]> => {
    const { db, sent } = recording(writer.pool);
    await call(db);
    const out: string[][] = [];
    for (const { query, params } of sent) {
      const { rows } = await writer.pool.query(`EXPLAIN (FORMAT JSON) ${query}`, params);
      out.push(scans((rows[0]['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>)[0].Plan));
    }
    return out;
  };

  beforeAll(async () => {
    const a = await sqliteTestLedger();
    const b = await postgresTestLedger();
    closers.push(a.close, b.close);
    [sqlite, postgres] = [a.ledger, b.ledger];
    writer = await openPgLedger(b.url, { migrate: false });
    closers.push(() => writer.close());
    await applyBoth(sqlite.sqlite!, writer.db, [
      { insert: 'orders', rows: Array.from({ length: N }, (_, i) => order(i)) },
      // A scan per order; one in twenty not matched to its order yet.
      { insert: 'trackingEvents', rows: Array.from({ length: N }, (_, i) => ({
        id: i + 1, provider: 'aftership', dedupKey: `e${i}`, trackingNumber: `TS${i % 4_000}`, orderId: i % 20 === 5 ? null : order(i).orderId,
        occurredAt: order(i).shippedAt + DAY, receivedAt: order(i).shippedAt + DAY, raw: '{}',
      })) },
    ]);
    await writer.pool.query('ANALYZE');
  }, 120_000);
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('the counts are in step, and the stage lists agree, the scan caps included', async () => {
    expect(await postgres.dashboardDrift()).toEqual([]);
    await same((l) => l.stageCounts(FULL, DAY0 + 50));
    const stages: DashboardStage[] = ['registered', 'no_feed', 'in_transit', 'customs', 'delivered', 'returned'];
    const filters: DashboardFilter[] = [FULL, { ...FULL, store: 'bolt' }, { ...FULL, carrier: 'ups' }, { ...FULL, country: 'ES' }, { ...FULL, store: 'acme', country: 'FR' }, { fromDay: DAY0, toDay: DAY0 + 2, carrier: 'ups' }];
    for (const f of filters) for (const stage of stages) for (const limit of [50, 300]) await same((l) => l.ordersInStage(f, stage, limit, (DAY0 + 50) * DAY));
    // The UPS parcels in transit are all older than the newest STAGE_SCAN_ROWS in transit: a lane's list does not look that far.
    expect((await postgres.stageCounts({ ...FULL, carrier: 'ups' }, 0)).get('in_transit')).toBeGreaterThan(200);
    expect((await postgres.stageCounts(FULL, 0)).get('in_transit')).toBeGreaterThan(STAGE_SCAN_ROWS);
    expect(await same((l) => l.ordersInStage({ ...FULL, carrier: 'ups' }, 'in_transit', 50, 0))).toEqual([]);
    // Over its first three days the same lane is within reach: found.
    expect(await same((l) => l.ordersInStage({ fromDay: DAY0, toDay: DAY0 + 2, carrier: 'ups' }, 'in_transit', 50, 0))).toHaveLength(50);
  });

  it('PostgreSQL reads the indexes: search, stage lists, needs-attention', async () => {
    const q = (db: PgQ) => pgDashboardOrdersQueries(db);
    const a = (db: PgQ) => pgDashboardAttentionQueries(db);
    expect(await plans((db) => q(db).findOrders('S-00042'))).toEqual([['Index Scan orders_pkey']]);
    expect((await plans((db) => q(db).findOrders('TS42')))[1]).toContain('Bitmap Index Scan orders_tracking_idx');
    expect((await plans((db) => q(db).findOrders('b42@example.com')))[1]).toContain('Bitmap Index Scan orders_buyer_email_idx');
    expect((await plans((db) => q(db).orderEvents({ orderId: 'S-00042', trackingNumber: 'TS42' })))[0]).toEqual(
      expect.arrayContaining(['Bitmap Index Scan tracking_events_order_idx', 'Bitmap Index Scan tracking_events_number_dedup_uq']));

    const stageIndex = /^(Index Scan|Index Scan Backward|Bitmap Index Scan) orders_((store_)?state_(shipped|stage_last_event)|customs)_idx$/;
    // The count table (a few hundred rows here) says whether a stage is rare; any scan of it will do.
    const onlyStageIndexes = (statements: string[][]) => statements.flat().filter((s) => !/ dashboard_stage_counts/.test(s))
      .filter((s) => s.endsWith(' orders') ? !s.startsWith('Bitmap Heap Scan') : !stageIndex.test(s));
    for (const stage of ['in_transit', 'customs', 'delivered', 'registered', 'no_feed'] as DashboardStage[]) {
      for (const f of [FULL, { ...FULL, store: 'bolt' }, { ...FULL, country: 'ES' }, { ...FULL, carrier: 'ups' }, { ...FULL, store: 'bolt', carrier: 'ups' }]) {
        const statements = await plans((db) => q(db).ordersInStage(f, stage, 50, (DAY0 + 50) * DAY));
        expect(onlyStageIndexes(statements), `${stage} ${JSON.stringify(f)}`).toEqual([]);
      }
    }
    // A rare stage: its own partial index, newest first, with or without a store.
    expect(await plans((db) => q(db).ordersInStage(FULL, 'customs', 50, 0))).toEqual([['Index Scan Backward orders_customs_idx']]);
    expect(await plans((db) => q(db).ordersInStage({ ...FULL, store: 'bolt' }, 'customs', 50, 0))).toEqual([['Index Scan Backward orders_customs_idx']]);

    for (const store of [undefined, 'bolt']) {
      // At customs the planner may read that stage's own small index instead.
      const stall = store === undefined ? /^Index Scan orders_(state_stage_last_event|customs)_idx$/ : /^Index Scan orders_((store_)?state_stage_last_event|customs)_idx$/;
      const [stalled] = await plans((db) => a(db).stalledOrders(T0 + 30 * DAY, 20, store));
      expect(stalled).toHaveLength(5);
      expect(stalled.filter((s) => !stall.test(s))).toEqual([]);
      expect(await plans((db) => a(db).waitingAtPostOffice(T0 + 30 * DAY, 20, store))).toEqual([[`Index Scan orders_${store ? 'store_' : ''}state_stage_last_event_idx`]]);
    }
  });
});
