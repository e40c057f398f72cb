import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchItem, BatchOrder } from '../../../src/store/order-batch.js';
import { contractPair, DAY, HOUR, scan, T0, type ContractPair } from './contract-pair.js';
import { domainOrder, rowsBoth } from './ledger-fixtures.js';

interface Line {
  line: number;
  order: BatchOrder;
}

function item(line: number, orderId: string, o: Partial<BatchOrder> = {}, provider: BatchItem<Line>['provider'] = '17track'): BatchItem<Line> {
  const order: BatchOrder = { ...domainOrder(orderId), shippedAt: T0, ...o };
  return {
    item: { line, order },
    planned: [
      { milestone: 'shipped', dueAt: order.shippedAt + HOUR, status: 'scheduled', reason: null },
      { milestone: 'day1', dueAt: order.shippedAt + DAY, status: 'scheduled', reason: null },
      { milestone: 'day14', dueAt: order.shippedAt + 14 * DAY, status: 'skipped', reason: 'disabled' },
    ],
    provider,
  };
}

const STAGE_COUNTS = 'SELECT ship_day, store, carrier, country, stage, n FROM dashboard_stage_counts WHERE n <> 0 ORDER BY ship_day, store, carrier, country, stage';

describe('the order batch writer on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
  });
  afterEach(() => pair.close());

  it('writes new orders with their sends (queued up to queueUntil) and registrations; known orders and repeats change nothing', async () => {
    await pair.same((l) => l.insertOrder(domainOrder('K1', { carrier: 'dhl' }), [], T0, null)); // known before the batch
    const batch = [
      item(2, 'N1'),
      item(3, 'K1', { buyerName: 'Someone Else' }),
      item(4, 'N2', { carrier: 'ctt', state: 'delivered', shippedAt: T0 + DAY }, null),
      item(5, 'N1', { buyerName: 'Repeat' }),
    ];
    const written = await pair.same(async (l) => l.orderBatchWriter()(batch, T0 + 5, T0 + 2 * DAY - 1));
    expect(written.created.map((c) => c.line)).toEqual([2, 4]);
    expect(written.created[0]).toBe(batch[0].item);
    // N1's shipped and day1 (ids 1, 2), N2's shipped (id 4); N2's day1 is due after queueUntil, day14s are skipped.
    expect(written.queued).toEqual([{ id: 1, dueAt: T0 + HOUR }, { id: 2, dueAt: T0 + DAY }, { id: 4, dueAt: T0 + DAY + HOUR }]);
    const k1 = { store: 'default', buyerEmail: 'ana@example.com', buyerName: 'Ana Souza', country: 'BR', carrier: 'dhl', trackingNumber: 'LPK1', shippedAt: T0 };
    expect(written.known).toEqual([
      { item: batch[1].item, row: k1 },
      { item: batch[3].item, row: { ...k1, carrier: 'cainiao', trackingNumber: 'LPN1' } },
    ]);
    expect((await pair.same((l) => l.getOrder('N2')))).toMatchObject({ state: 'delivered', watchAt: null, buyerChannelId: null, createdAt: T0 + 5 });
    expect((await pair.same((l) => l.getOrder('N1')))).toMatchObject({ buyerName: 'Ana Souza', watchAt: T0, updatedAt: T0 + 5 });
    expect((await pair.same((l) => l.getOrder('K1')))?.buyerName).toBe('Ana Souza');
    const sends = await pair.same((l) => l.sendsOfOrder('N2'));
    expect(sends.map((s) => [s.id, s.milestone, s.status, s.reason, s.queuedAt])).toEqual([
      [4, 'shipped', 'queued', null, T0 + 5], [5, 'day1', 'scheduled', null, null], [6, 'day14', 'skipped', 'disabled', null],
    ]);
    expect(await rowsBoth(pair, 'SELECT order_id, provider, tracking_number, carrier, state, due_at, created_at FROM tracking_registrations ORDER BY order_id')).toEqual([
      { order_id: 'N1', provider: '17track', tracking_number: 'LPN1', carrier: 'cainiao', state: 'pending', due_at: T0 + 5, created_at: T0 + 5 },
    ]);
    expect(await rowsBoth(pair, 'SELECT day, store, milestone, status, reason, n FROM dashboard_send_counts WHERE n <> 0 ORDER BY day, milestone')).toEqual([
      { day: Math.floor((T0 + 5) / DAY), store: 'default', milestone: 'day14', status: 'skipped', reason: 'disabled', n: 2 },
    ]);
  });

  it('counts the stages of the orders it writes exactly once, and the per-row count goes on after it', async () => {
    await pair.same((l) => l.insertOrder(domainOrder('K1'), [], T0, null));
    const batch = [item(1, 'A'), item(2, 'B', { carrier: 'dhl' }), item(3, 'C', { shippedAt: T0 + DAY }), item(4, 'K1'), item(5, 'D', { state: 'cancelled' })];
    await pair.same(async (l) => l.orderBatchWriter()(batch, T0, T0));
    await pair.same((l) => l.insertOrder(domainOrder('E'), [], T0, null));
    const day = Math.floor(T0 / DAY);
    expect(await rowsBoth(pair, STAGE_COUNTS)).toEqual([
      { ship_day: day, store: 'default', carrier: 'cainiao', country: 'BR', stage: 'cancelled', n: 1 },
      { ship_day: day, store: 'default', carrier: 'cainiao', country: 'BR', stage: 'registered', n: 3 },
      { ship_day: day, store: 'default', carrier: 'dhl', country: 'BR', stage: 'registered', n: 1 },
      { ship_day: day + 1, store: 'default', carrier: 'cainiao', country: 'BR', stage: 'registered', n: 1 },
    ]);
    expect(await rowsBoth(pair, 'SELECT count(*) AS n FROM dashboard_bulk_import')).toEqual([{ n: 0 }]);
  });

  it('is one transaction: a batch that fails part way writes nothing', async () => {
    const bad = item(2, 'B');
    bad.planned = [...bad.planned, bad.planned[0]]; // shipped twice: the unique (order, milestone, seq) refuses it
    for (const ledger of pair.both) await expect(ledger.orderBatchWriter()([item(1, 'A'), bad, item(3, 'C')], T0, T0 + DAY)).rejects.toThrow();
    expect(await rowsBoth(pair, 'SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM sends) AS sends, (SELECT count(*) FROM tracking_registrations) AS registrations')).toEqual([
      { orders: 0, sends: 0, registrations: 0 },
    ]);
    expect(await rowsBoth(pair, STAGE_COUNTS)).toEqual([]);
  });

  it('a batch larger than one statement takes (65,535 parameters) is written whole, ids in batch order', async () => {
    const batch = Array.from({ length: 4700 }, (_, i) => item(i, `L${String(i).padStart(5, '0')}`, {}, i % 3 ? '17track' : null));
    const written = await pair.same(async (l) => {
      const w = await l.orderBatchWriter()(batch, T0, T0 + DAY);
      return { created: w.created.length, known: w.known.length, queued: w.queued };
    });
    expect(written.created).toBe(4700); // 65,800 parameters of orders, 112,800 of sends
    expect(written.known).toBe(0);
    // Shipped and day1 of each order: sends 1, 2 (then 3 skipped), 4, 5, ...
    expect(written.queued.length).toBe(9400);
    expect(written.queued.slice(0, 3)).toEqual([{ id: 1, dueAt: T0 + HOUR }, { id: 2, dueAt: T0 + DAY }, { id: 4, dueAt: T0 + HOUR }]);
    expect(written.queued.at(-1)).toEqual({ id: 14_099, dueAt: T0 + DAY });
    expect(await rowsBoth(pair, 'SELECT count(*) AS n, min(order_id) AS first, max(order_id) AS last FROM tracking_registrations')).toEqual([
      { n: 3133, first: 'L00001', last: 'L04699' },
    ]);
    expect(await rowsBoth(pair, STAGE_COUNTS)).toEqual([
      { ship_day: Math.floor(T0 / DAY), store: 'default', carrier: 'cainiao', country: 'BR', stage: 'registered', n: 4700 },
    ]);
  }, 60_000);

  it('numbersWithUnmatchedEvents: the numbers among these with an unmatched event', async () => {
    await pair.seed('trackingEvents', [
      scan(null, 'e1', { trackingNumber: 'LP1', outcome: 'unmatched' }),
      scan(null, 'e2', { trackingNumber: 'LP1', outcome: 'unmatched' }),
      scan(null, 'e3', { trackingNumber: 'LP2', outcome: 'scheduled customs' }),
      scan(null, 'e4', { trackingNumber: 'LP3', outcome: 'unmatched' }),
      scan(null, 'e5', { trackingNumber: 'LP4', outcome: null }),
    ]);
    expect(await pair.same((l) => l.numbersWithUnmatchedEvents(['LP1', 'LP2', 'LP4', 'LP9']))).toEqual(new Set(['LP1']));
    expect(await pair.same((l) => l.numbersWithUnmatchedEvents(['LP3', 'LP1']))).toEqual(new Set(['LP1', 'LP3']));
    expect(await pair.same((l) => l.numbersWithUnmatchedEvents([]))).toEqual(new Set());
  });
});

describe('two imports at once on PostgreSQL', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
  });
  afterEach(() => pair.close());

  it('overlapping batches, in opposite orders, both commit (no deadlock) and create each order once', async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `X${String(i).padStart(4, '0')}`);
    const forward = ids.map((id, i) => item(i, id));
    const backward = [...ids].reverse().map((id, i) => item(i, id));
    // A third transaction holds the middle id, so the two imports surely overlap: each waits for it, one holding the
    // ids below it, the other (inserting in its own order) those above. Taken in any order but one, that is a cycle.
    const holder = await pair.pg.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`INSERT INTO orders (order_id, store, buyer_name, buyer_email, buyer_locale, buyer_timezone, country, carrier, tracking_number, shipped_at, created_at, updated_at)
        VALUES ('X1000', 'default', 'Holder', 'h@example.com', 'en', 'UTC', 'BR', 'cainiao', 'LPX1000', ${T0}, ${T0}, ${T0})`);
      const imports = Promise.all([pair.postgres.orderBatchWriter()(forward, T0, T0), pair.postgres.orderBatchWriter()(backward, T0, T0)]);
      const waiting = `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      await expect.poll(async () => (await pair.pg.pool.query(waiting)).rows[0].n, { timeout: 20_000 }).toBe(2);
      await holder.query('ROLLBACK');
      const [a, b] = await imports;
      const created = [...a.created, ...b.created].map((c) => c.order.orderId).sort();
      expect(created).toEqual(ids);
      expect(a.known.length + b.known.length).toBe(2000);
      expect([...a.known, ...b.known].every((k) => k.row?.trackingNumber === `LP${k.item.order.orderId}`)).toBe(true);
    } finally {
      holder.release();
    }
    const counts = await pair.pg.pool.query('SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM sends) AS sends, (SELECT sum(n) FROM dashboard_stage_counts)::int AS staged');
    expect(counts.rows).toEqual([{ orders: 2000, sends: 6000, staged: 2000 }]);
  });
});
