import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Order } from '../../../src/domain/order.js';
import type { Ledger } from '../../../src/store/ledger-api.js';
import { parseFilter, type FilterFlags, type SendFilter } from '../../../src/store/send-list.js';
import { contractPair, DAY, HOUR, order, send, T0, type ContractPair } from './contract-pair.js';

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** Every page of listSendsAfter, each cursor from the last row of the page before. */
async function pagesAfter(ledger: Ledger, f: SendFilter, limit: number): Promise<number[][]> {
  const pages: number[][] = [];
  let after: { dueAt: number; id: number } | null = null;
  for (;;) {
    const rows = await ledger.listSendsAfter(f, limit, after);
    if (rows.length === 0) return pages;
    pages.push(rows.map((r) => r.sendId));
    const last = rows[rows.length - 1];
    after = { dueAt: last.dueAt, id: last.sendId };
  }
}

describe('the send list (list, export, GET /api/v1/sends) on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
    await pair.seed('orders', [
      order('O1'),
      order('O2', { store: 'eu', country: 'DE', carrier: 'dhl', buyerEmail: 'bo@example.de', buyerTimezone: 'Europe/Berlin' }),
      order('O3', { store: 'eu', country: 'GB', carrier: 'yanwen' }),
    ]);
    // Due times from T0 (2026-03-02 12:00 UTC); ids 1..9 in this order.
    await pair.seed('sends', [
      send('O1', 'shipped', { status: 'sent', dueAt: T0, sentAt: T0 + 5, messageId: '<1@x>' }), // 1
      send('O1', 'day1', { status: 'skipped', dueAt: T0 + DAY, reason: 'stale' }), // 2
      send('O2', 'shipped', { status: 'sent', dueAt: T0, sentAt: T0 + 9 }), // 3: same due time as 1
      send('O2', 'day1', { status: 'failed', dueAt: T0 + DAY, error: '550 no' }), // 4
      send('O3', 'shipped', { status: 'scheduled', dueAt: T0 + 2 * DAY }), // 5
      send('O3', 'customs', { status: 'queued', dueAt: T0 - DAY }), // 6
      send('O1', 'day14', { status: 'scheduled', dueAt: T0 + 12 * DAY }), // 7
      send('O2', 'day14', { status: 'scheduled', dueAt: T0 + 12 * DAY - HOUR }), // 8
      send('O1', 'shipped', { status: 'sending', dueAt: T0 + DAY, resendOf: 1 }), // 9: a resend
    ]);
  });
  afterEach(() => pair.close());

  it('one row carries the send and its order; no filter lists everything by due time, then id', async () => {
    const rows = await pair.same((l) => l.listSends(parseFilter({}), 100, 0));
    expect(rows.map((r) => r.sendId)).toEqual([6, 1, 3, 2, 4, 9, 5, 8, 7]);
    expect(rows[7]).toEqual({
      sendId: 8, orderId: 'O2', store: 'eu', milestone: 'day14', resendOf: null, status: 'scheduled', dueAt: T0 + 12 * DAY - HOUR, sentAt: null,
      country: 'DE', carrier: 'dhl', trackingNumber: 'LPO2', buyerEmail: 'bo@example.de', buyerTimezone: 'Europe/Berlin', messageId: null, reason: null, error: null,
    });
    expect(rows[5]).toMatchObject({ sendId: 9, resendOf: 1, status: 'sending' });
    expect((await pair.same((l) => l.listSends(parseFilter({}), 3, 2))).map((r) => r.sendId)).toEqual([3, 2, 4]);
    expect(await pair.same((l) => l.listSends(parseFilter({}), 3, 50))).toEqual([]);
  });

  // Every flag of parseFilter, alone and together, as the CLI and the API type them.
  const cases: Array<[string, FilterFlags, number[]]> = [
    ['status', { status: 'sent,failed' }, [1, 3, 4]],
    ['milestone', { milestone: 'day14' }, [8, 7]],
    ['carrier (an alias)', { carrier: 'dhl-express' }, [3, 4, 8]],
    ['country (lower case)', { country: 'gb' }, [6, 5]],
    ['store', { store: 'eu' }, [6, 3, 4, 5, 8]],
    ['since', { since: '2026-03-03' }, [2, 4, 9, 5, 8, 7]],
    ['until (a bare date: through its end)', { until: '2026-03-03' }, [6, 1, 3, 2, 4, 9]],
    ['since and until, date-times', { since: '2026-03-02T12:00:00Z', until: '2026-03-03T12:00:00Z' }, [1, 3]],
    ['everything at once', { status: 'scheduled,failed,sent', milestone: 'day1,day14,shipped', store: 'default,eu', carrier: 'dhl', country: 'DE', since: '2026-03-02', until: '2026-03-20' }, [3, 4, 8]],
    ['nothing matches', { store: 'none' }, []],
  ];

  for (const [name, flags, expected] of cases) {
    it(`filter ${name}: count, page, keyset pages and export agree`, async () => {
      const f = parseFilter(flags);
      expect((await pair.same((l) => l.listSends(f, 100, 0))).map((r) => r.sendId)).toEqual(expected);
      expect(await pair.same((l) => l.countSends(f))).toEqual({ n: expected.length, capped: false });
      const pages = await pair.same((l) => pagesAfter(l, f, 2));
      expect(pages.flat()).toEqual(expected);
      expect(pages.every((p) => p.length <= 2)).toBe(true);
      const exported = await pair.same((l) => collect(l.iterateSends(f, 2)));
      expect(exported.map((r) => r.sendId)).toEqual([...expected].sort((a, b) => a - b));
      expect(exported).toEqual(await pair.same((l) => collect(l.iterateSends(f))));
    });
  }

  it('countSends stops at the cap and says so', async () => {
    expect(await pair.same((l) => l.countSends(parseFilter({}), 3))).toEqual({ n: 3, capped: true });
    expect(await pair.same((l) => l.countSends(parseFilter({}), 9))).toEqual({ n: 9, capped: false });
    expect(await pair.same((l) => l.countSends(parseFilter({ store: 'eu' }), 4))).toEqual({ n: 4, capped: true });
    expect(await pair.same((l) => l.countSends(parseFilter({ store: 'eu' }), 5))).toEqual({ n: 5, capped: false });
  });

  it('listSendsAfter: a cursor among equal due times goes on by id; a page after the last is empty', async () => {
    const f = parseFilter({});
    expect((await pair.same((l) => l.listSendsAfter(f, 3, { dueAt: T0, id: 1 }))).map((r) => r.sendId)).toEqual([3, 2, 4]);
    expect((await pair.same((l) => l.listSendsAfter(f, 100, { dueAt: T0 + DAY, id: 4 }))).map((r) => r.sendId)).toEqual([9, 5, 8, 7]);
    expect(await pair.same((l) => l.listSendsAfter(f, 10, { dueAt: T0 + 12 * DAY, id: 7 }))).toEqual([]);
  });

  it('iterateSends reads a chunk at a time by id: a chunk that ends the rows exactly, and rows added meanwhile after the cursor', async () => {
    const f = parseFilter({});
    for (const chunk of [1, 3, 9, 10]) {
      expect((await pair.same((l) => collect(l.iterateSends(f, chunk)))).map((r) => r.sendId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    const seen = await pair.same(async (l) => {
      const ids: number[] = [];
      for await (const row of l.iterateSends(f, 4)) {
        ids.push(row.sendId);
        // After the first chunk has been read, a new send (id 10 on both) lands behind the cursor.
        if (row.sendId === 2) await pair.seed('sends', [send('O3', 'day14', { dueAt: T0 })], l);
      }
      return ids;
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('orders and sends entered through the ledger (insertOrder, insertSend) list and export alike', async () => {
    const entered: Order = {
      orderId: 'N1', store: 'us', buyerName: 'Cy', buyerEmail: 'cy@example.com', buyerLocale: 'en-US', buyerTimezone: 'America/New_York',
      country: 'US', carrier: 'ups', trackingNumber: '1Z999', shippedAt: DateTime.fromMillis(T0, { zone: 'utc' }), state: 'active',
    };
    const at = (ms: number) => DateTime.fromMillis(ms, { zone: 'utc' });
    await pair.same((l) =>
      l.insertOrder(entered, [
        { milestone: 'shipped', dueAt: at(T0), status: 'scheduled', reason: null },
        { milestone: 'day1', dueAt: at(T0 + DAY), status: 'skipped', reason: 'stale' },
      ], T0),
    );
    await pair.same(async (l) => (await l.insertSend('N1', { milestone: 'customs', dueAt: at(T0 + 3 * DAY), status: 'scheduled', reason: null }, T0))?.id);
    const f = parseFilter({ store: 'us' });
    const listed = await pair.same((l) => l.listSends(f, 10, 0));
    expect(listed.map((r) => [r.sendId, r.milestone, r.status, r.reason])).toEqual([[10, 'shipped', 'scheduled', null], [11, 'day1', 'skipped', 'stale'], [12, 'customs', 'scheduled', null]]);
    expect(await pair.same((l) => collect(l.iterateSends(f, 2)))).toEqual(listed);
    expect(await pair.same((l) => l.countSends(parseFilter({ carrier: 'ups', status: 'scheduled' })))).toEqual({ n: 2, capped: false });
    expect(await pair.same((l) => l.hasSend('N1', 'customs'))).toBe(true);
  });
});
