import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractPair, order, scan, send, T0, type ContractPair } from './contract-pair.js';

/** The engines must agree when PostgreSQL's own collation is a locale's, not bytes. */
describe('text on a PostgreSQL database collated as ICU en-US, as SQLite compares it (bytes)', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair({ icu: true });
    await pair.seed('orders', [
      order('b-2', { store: 'Zeta', carrier: 'dhl', state: 'delivered', buyerEmail: 'x@BÜCHER.DE' }),
      order('B-1', { store: 'alpha', carrier: 'DHL-test', state: 'delivered' }),
      order('_a', { store: 'default' }),
    ]);
  });
  afterEach(() => pair.close());

  it('the database really collates as a locale does', async () => {
    const { rows } = await pair.pg.pool.query(`SELECT s FROM (VALUES ('Zeta'), ('alpha')) v(s) ORDER BY s`);
    expect(rows.map((r) => r.s)).toEqual(['alpha', 'Zeta']);
  });

  it('stores, lanes, delivered parcels and tokens in byte order', async () => {
    expect(await pair.same((l) => l.storesWithOrders(10))).toEqual(['Zeta', 'alpha', 'default']);
    expect((await pair.same((l) => l.laneOrderCounts())).map((r) => r.carrier)).toEqual(['DHL-test', 'cainiao', 'dhl']);
    await pair.seed('trackingEvents', [scan('b-2', 'd1', { milestone: 'delivered', occurredAt: T0 + 1 }), scan('B-1', 'd2', { milestone: 'delivered', occurredAt: T0 + 2 })]);
    expect((await pair.same((l) => l.deliveredParcels())).map((r) => r.deliveredAt)).toEqual([T0 + 2, T0 + 1]);
    for (const id of ['tok_b', 'tok_B', 'tok_-']) await pair.same((l) => l.insertApiToken({ id, name: id, store: null, secretHash: `h${id}`, createdAt: T0 }));
    expect((await pair.same((l) => l.listApiTokens())).map((t) => t.id)).toEqual(['tok_-', 'tok_B', 'tok_b']);
  });

  it('a service id matches the Message-IDs it begins, first in byte order; domains lowered in ASCII only', async () => {
    await pair.seed('sends', [
      send('b-2', 'shipped', { status: 'sent', sentAt: T0, messageId: '<ses-1@b.example>' }),
      send('b-2', 'day1', { status: 'sent', sentAt: T0, messageId: '<ses-1@B.example>' }),
      send('b-2', 'day14', { status: 'sent', sentAt: T0, messageId: '<ses1@a.example>' }),
    ]);
    const event = { source: 'ses', kind: 'delivered' as const, email: 'nobody@example.org', occurredAt: T0 + 1 };
    expect(await pair.same((l) => l.recordMailEvents([{ ...event, dedupKey: 'e1', messageIds: ['ses-1'] }, { ...event, dedupKey: 'e2', messageIds: ['ses1'] }], T0 + 2))).toMatchObject({ unmatched: 0 });
    expect(await pair.rows('SELECT dedup_key, send_id FROM mail_events ORDER BY id')).toEqual([{ dedup_key: 'e1', send_id: 2 }, { dedup_key: 'e2', send_id: 3 }]);
    const health = await pair.same((l) => l.deliverabilityHealth({ now: T0 + 3 }));
    expect(health.domains.map((d) => d.domain)).toContain('bÜcher.de');
  });
});
