import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewFeedback } from '../../../src/store/replies.js';
import { contractPair, DAY, order, scan, send, T0, type ContractPair } from './contract-pair.js';

describe('replies (feedback, disputes, scans) on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
    await pair.seed('orders', [
      order('A1'),
      order('A2', { store: 'eu', buyerName: 'Bo', buyerEmail: 'bo@example.de', country: 'DE', carrier: 'dhl', state: 'delivered' }),
      order('A3', { store: 'eu', carrier: 'dhl', country: 'DE', shippedAt: T0 + 1 }),
    ]);
  });
  afterEach(() => pair.close());

  const rating = (orderId: string, r: number, o: Partial<NewFeedback> = {}): NewFeedback => ({
    orderId, rating: r, comment: null, source: 'webhook', externalId: null, leftAt: T0, ...o,
  });

  it('insertFeedback stores a rating; a platform retry returns the first row as duplicate; without an external id each is new', async () => {
    const first = await pair.same((l) => l.insertFeedback(rating('A1', 2, { externalId: 'rv-1', comment: 'late' }), T0 + 1));
    expect(first).toEqual({
      duplicate: false,
      row: { id: 1, orderId: 'A1', rating: 2, comment: 'late', source: 'webhook', externalId: 'rv-1', leftAt: T0, createdAt: T0 + 1 },
    });
    expect(await pair.same((l) => l.insertFeedback(rating('A1', 5, { externalId: 'rv-1' }), T0 + 2))).toEqual({ duplicate: true, row: first.row });
    // The same external id from another source is another rating.
    expect((await pair.same((l) => l.insertFeedback(rating('A1', 4, { externalId: 'rv-1', source: 'api' }), T0 + 3))).duplicate).toBe(false);
    const a = await pair.same((l) => l.insertFeedback(rating('A1', 3, { source: 'cli' }), T0 + 4));
    const b = await pair.same((l) => l.insertFeedback(rating('A1', 3, { source: 'cli' }), T0 + 4));
    expect([a.duplicate, b.duplicate, b.row.id - a.row.id]).toEqual([false, false, 1]);
    for (const ledger of pair.both) await expect(ledger.insertFeedback(rating('nope', 1), T0)).rejects.toThrow();
  });

  it('latestFeedback: newest left, equal times by the later row; undefined without any', async () => {
    expect(await pair.same((l) => l.latestFeedback('A1'))).toBeUndefined();
    await pair.same((l) => l.insertFeedback(rating('A1', 2, { leftAt: T0 + DAY }), T0));
    await pair.same((l) => l.insertFeedback(rating('A1', 4, { leftAt: T0 + DAY }), T0));
    await pair.same((l) => l.insertFeedback(rating('A1', 5, { leftAt: T0 }), T0));
    expect(await pair.same((l) => l.latestFeedback('A1'))).toMatchObject({ id: 2, rating: 4 });
  });

  it('hasSend: whether the order has a letter of the milestone, in any state', async () => {
    await pair.seed('sends', [send('A1', 'feedback_thanks', { status: 'cancelled', reason: 'refund' })]);
    expect(await pair.same((l) => l.hasSend('A1', 'feedback_thanks'))).toBe(true);
    expect(await pair.same((l) => l.hasSend('A1', 'dispute_reply'))).toBe(false);
    expect(await pair.same((l) => l.hasSend('A2', 'feedback_thanks'))).toBe(false);
  });

  it('lowRatings: at or below the rating, inside [since, until], newest first, for one store or all', async () => {
    await pair.same((l) => l.insertFeedback(rating('A1', 1, { leftAt: T0 + 10, comment: 'never came' }), T0));
    await pair.same((l) => l.insertFeedback(rating('A2', 2, { leftAt: T0 + 20 }), T0));
    await pair.same((l) => l.insertFeedback(rating('A3', 2, { leftAt: T0 + 20 }), T0));
    await pair.same((l) => l.insertFeedback(rating('A3', 4, { leftAt: T0 + 30 }), T0));
    await pair.same((l) => l.insertFeedback(rating('A1', 1, { leftAt: T0 + 99 }), T0));
    const all = await pair.same((l) => l.lowRatings({ maxRating: 2, since: T0 + 10, until: T0 + 30 }));
    expect(all).toEqual([
      { orderId: 'A3', store: 'eu', buyerName: 'Ana Souza', buyerEmail: 'ana@example.com', rating: 2, comment: null, leftAt: T0 + 20 },
      { orderId: 'A2', store: 'eu', buyerName: 'Bo', buyerEmail: 'bo@example.de', rating: 2, comment: null, leftAt: T0 + 20 },
      { orderId: 'A1', store: 'default', buyerName: 'Ana Souza', buyerEmail: 'ana@example.com', rating: 1, comment: 'never came', leftAt: T0 + 10 },
    ]);
    expect((await pair.same((l) => l.lowRatings({ maxRating: 2, since: T0, until: T0 + 99, store: 'default' }))).map((r) => r.leftAt)).toEqual([T0 + 99, T0 + 10]);
    expect(await pair.same((l) => l.lowRatings({ maxRating: 0, since: T0, until: T0 + 99 }))).toEqual([]);
  });

  it('disputes: seq 0 then 1; open, by seq, latest; closing counts the open ones', async () => {
    expect(await pair.same((l) => l.openDisputeOf('A1'))).toBeUndefined();
    expect(await pair.same((l) => l.latestDispute('A1'))).toBeUndefined();
    const first = await pair.same((l) => l.insertDispute('A1', 'not_received', T0));
    expect(first).toEqual({ id: 1, orderId: 'A1', seq: 0, reason: 'not_received', openedAt: T0, closedAt: null });
    expect(await pair.same((l) => l.openDisputeOf('A1'))).toEqual(first);
    expect(await pair.same((l) => l.closeDisputes('A1', T0 + 5))).toBe(1);
    expect(await pair.same((l) => l.closeDisputes('A1', T0 + 6))).toBe(0);
    expect(await pair.same((l) => l.openDisputeOf('A1'))).toBeUndefined();
    const second = await pair.same((l) => l.insertDispute('A1', 'other', T0 + 7));
    expect(second).toMatchObject({ id: 2, seq: 1, reason: 'other', closedAt: null });
    expect(await pair.same((l) => l.disputeBySeq('A1', 0))).toEqual({ ...first, closedAt: T0 + 5 });
    expect(await pair.same((l) => l.disputeBySeq('A1', 7))).toBeUndefined();
    expect(await pair.same((l) => l.latestDispute('A1'))).toEqual(second);
    expect((await pair.same((l) => l.insertDispute('A2', 'other', T0))).seq).toBe(0);
    for (const ledger of pair.both) await expect(ledger.insertDispute('nope', 'other', T0)).rejects.toThrow();
  });

  it('insertDispute: disputes opened at once on many connections take seq 0, 1, 2... (no unique violation)', async () => {
    const rows = await Promise.all(Array.from({ length: 6 }, (_, i) => pair.postgres.insertDispute('A1', 'other', T0 + i)));
    expect(rows.map((r) => r.seq).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // Inside a transaction too (a savepoint there).
    const inTx = await pair.postgres.transaction((tx) => tx.insertDispute('A1', 'other', T0));
    expect(inTx.seq).toBe(6);
  });

  it('openNotReceivedDisputes: open not-received disputes of active orders, oldest first, for one store or all', async () => {
    await pair.seed('orders', [order('A4', { store: 'eu' }), order('A5')]);
    await pair.same((l) => l.insertDispute('A4', 'not_received', T0 + 3));
    await pair.same((l) => l.insertDispute('A1', 'not_received', T0 + 5));
    await pair.same((l) => l.insertDispute('A5', 'not_received', T0 + 5));
    await pair.same((l) => l.insertDispute('A2', 'not_received', T0)); // delivered
    await pair.same((l) => l.insertDispute('A3', 'other', T0)); // another reason
    await pair.same((l) => l.insertDispute('A3', 'not_received', T0 + 1));
    await pair.same((l) => l.closeDisputes('A3', T0 + 2)); // closed
    const all = await pair.same((l) => l.openNotReceivedDisputes());
    expect(all).toEqual([
      { orderId: 'A4', store: 'eu', carrier: 'cainiao', country: 'BR', shippedAt: T0, openedAt: T0 + 3 },
      { orderId: 'A1', store: 'default', carrier: 'cainiao', country: 'BR', shippedAt: T0, openedAt: T0 + 5 },
      { orderId: 'A5', store: 'default', carrier: 'cainiao', country: 'BR', shippedAt: T0, openedAt: T0 + 5 },
    ]);
    expect((await pair.same((l) => l.openNotReceivedDisputes('eu'))).map((d) => d.orderId)).toEqual(['A4']);
    expect(await pair.same((l) => l.openNotReceivedDisputes('none'))).toEqual([]);
  });

  it('scansOfOrder: oldest first by when it happened, else when it came, then as stored', async () => {
    await pair.seed('trackingEvents', [
      scan('A1', 'e1', { occurredAt: T0 + 50, receivedAt: T0 + 60, milestone: 'customs', providerStatus: 'InTransit_Customs', raw: '{"a":1}' }),
      scan('A1', 'e2', { occurredAt: null, receivedAt: T0 + 10 }),
      scan('A1', 'e3', { occurredAt: T0 + 10, receivedAt: T0 + 70, provider: 'aftership' }),
      scan('A2', 'e4', { occurredAt: T0 }),
      scan(null, 'e5', { occurredAt: T0 }),
    ]);
    const scans = await pair.same((l) => l.scansOfOrder('A1'));
    expect(scans).toEqual([
      { provider: '17track', providerStatus: null, milestone: null, occurredAt: null, receivedAt: T0 + 10, raw: '{}' },
      { provider: 'aftership', providerStatus: null, milestone: null, occurredAt: T0 + 10, receivedAt: T0 + 70, raw: '{}' },
      { provider: '17track', providerStatus: 'InTransit_Customs', milestone: 'customs', occurredAt: T0 + 50, receivedAt: T0 + 60, raw: '{"a":1}' },
    ]);
    expect(await pair.same((l) => l.scansOfOrder('A9'))).toEqual([]);
  });
});
