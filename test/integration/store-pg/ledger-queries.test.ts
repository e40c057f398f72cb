import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractPair, DAY, HOUR, T0, type ContractPair } from './contract-pair.js';
import { domainOrder, execBoth, planned, rowsBoth } from './ledger-fixtures.js';

const LEASE = 10 * 60_000;
const FACTS = { messageId: '<m1@postship>', smtpResponse: '250 ok', subject: 'Shipped', template: 'shipped', locale: 'pt-BR' };

describe('ledger queries on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
  });
  afterEach(() => pair.close());

  /** An order with sends shipped (T0+1h), day1 (T0+1d), day14 (T0+14d), ids 1, 2, 3. */
  const enter = (orderId: string, o: Parameters<typeof domainOrder>[1] = {}) =>
    pair.same((l) =>
      l.insertOrder(domainOrder(orderId, o), [planned('day14', T0 + 14 * DAY), planned('shipped', T0 + HOUR), planned('day1', T0 + DAY)], T0, {
        orderId, provider: '17track', trackingNumber: `LP${orderId}`, carrier: 'cainiao',
      }),
    );

  it('insertOrder, getOrder, sendsOfOrder, getSend: a known order changes nothing', async () => {
    expect(await enter('A1')).toEqual({ created: true });
    expect(
      await pair.same((l) => l.insertOrder(domainOrder('A1', { buyerName: 'Other' }), [planned('day1', T0)], T0 + 5, null)),
    ).toEqual({ created: false });
    expect(await pair.same((l) => l.insertOrder(domainOrder('D1', { state: 'delivered', buyerChannelId: 'ch-9' }), [], T0, null))).toEqual({ created: true });
    const a1 = await pair.same((l) => l.getOrder('A1'));
    expect(a1).toEqual({
      orderId: 'A1', store: 'default', buyerName: 'Ana Souza', buyerEmail: 'ana@example.com', buyerChannelId: null, buyerLocale: 'pt-BR',
      buyerTimezone: 'America/Sao_Paulo', country: 'BR', carrier: 'cainiao', trackingNumber: 'LPA1', shippedAt: T0, state: 'active',
      stateReason: null, stageRank: 0, lastEventAt: null, exceptionAt: null, disputedAt: null, watchAt: T0, createdAt: T0, updatedAt: T0,
    });
    const d1 = await pair.same((l) => l.getOrder('D1'));
    expect([d1?.watchAt, d1?.buyerChannelId, d1?.state]).toEqual([null, 'ch-9', 'delivered']);
    expect(await pair.same((l) => l.getOrder('missing'))).toBeUndefined();
    const sends = await pair.same((l) => l.sendsOfOrder('A1'));
    // Due order, not insertion order: shipped (id 2), day1 (id 3), day14 (id 1).
    expect(sends.map((s) => [s.id, s.milestone, s.status, s.dueAt])).toEqual([
      [2, 'shipped', 'scheduled', T0 + HOUR], [3, 'day1', 'scheduled', T0 + DAY], [1, 'day14', 'scheduled', T0 + 14 * DAY],
    ]);
    expect(await pair.same((l) => l.getSend(2))).toEqual(sends[0]);
    expect(sends[0]).toEqual({
      id: 2, orderId: 'A1', milestone: 'shipped', seq: 0, resendOf: null, status: 'scheduled', dueAt: T0 + HOUR, attempts: 0, queuedAt: null,
      claimedAt: null, sentAt: null, messageId: null, smtpResponse: null, subject: null, template: null, locale: null, reason: null, error: null,
      createdAt: T0, updatedAt: T0,
    });
    expect(await pair.same((l) => l.getSend(99))).toBeUndefined();
    expect(await rowsBoth(pair, 'SELECT order_id, provider, state, due_at FROM tracking_registrations')).toEqual([
      { order_id: 'A1', provider: '17track', state: 'pending', due_at: T0 },
    ]);
  });

  it('insertSend, insertRuleSend, insertResend: a milestone (and seq) once, resends as often as asked', async () => {
    await enter('A1');
    const customs = await pair.same((l) => l.insertSend('A1', planned('customs', T0 + 2 * DAY), T0 + 1));
    expect([customs?.id, customs?.milestone, customs?.seq, customs?.createdAt]).toEqual([4, 'customs', 0, T0 + 1]);
    const delay1 = await pair.same((l) => l.insertRuleSend('A1', planned('delay', T0 + 3 * DAY, { seq: 1 }), T0 + 2));
    expect([delay1?.id, delay1?.milestone, delay1?.seq]).toEqual([5, 'delay', 1]);
    const resend = await pair.same((l) => l.insertResend({ id: 2, orderId: 'A1', milestone: 'shipped' }, T0 + 3));
    expect(resend).toMatchObject({ id: 6, orderId: 'A1', milestone: 'shipped', resendOf: 2, status: 'scheduled', dueAt: T0 + 3, seq: 0 });
    const again = await pair.same((l) => l.insertResend({ id: 2, orderId: 'A1', milestone: 'shipped' }, T0 + 4));
    expect(again.id).toBe(7);
    // Conflicts last: PostgreSQL's identity uses up a value on a conflicting insert.
    expect(await pair.same((l) => l.insertSend('A1', planned('customs', T0), T0 + 5))).toBeNull();
    expect(await pair.same((l) => l.insertRuleSend('A1', planned('delay', T0, { seq: 1 }), T0 + 5))).toBeNull();
  });

  it('claimSend, recordSent, sentMilestones: one claim at a time, a claim past its lease taken over', async () => {
    await enter('A1');
    const claimed = await pair.same((l) => l.claimSend(2, T0 + HOUR, LEASE));
    expect(claimed).toMatchObject({ id: 2, status: 'sending', attempts: 1, claimedAt: T0 + HOUR, updatedAt: T0 + HOUR });
    expect(await pair.same((l) => l.claimSend(2, T0 + HOUR + LEASE, LEASE))).toBeNull();
    const taken = await pair.same((l) => l.claimSend(2, T0 + HOUR + LEASE + 1, LEASE));
    expect(taken).toMatchObject({ status: 'sending', attempts: 2, claimedAt: T0 + HOUR + LEASE + 1 });
    await pair.same((l) => l.noteUnrecorded(2, 'sent, not recorded', T0 + 2 * HOUR));
    expect((await pair.same((l) => l.getSend(2)))?.error).toBe('sent, not recorded');
    await pair.same((l) => l.recordSent(2, FACTS, T0 + 2 * HOUR));
    await pair.same((l) => l.recordSent(3, FACTS, T0 + 2 * HOUR)); // not claimed: nothing
    expect(await pair.same((l) => l.getSend(2))).toMatchObject({ ...FACTS, status: 'sent', sentAt: T0 + 2 * HOUR, error: null, attempts: 2 });
    expect((await pair.same((l) => l.getSend(3)))?.status).toBe('scheduled');
    expect(await pair.same((l) => l.claimSend(2, T0 + DAY, LEASE))).toBeNull();
    await pair.same((l) => l.noteUnrecorded(2, 'late note', T0 + DAY)); // not sending: nothing
    expect((await pair.same((l) => l.getSend(2)))?.error).toBeNull();
    await pair.same((l) => l.claimSend(3, T0, LEASE));
    await pair.same((l) => l.recordSent(3, { ...FACTS, template: 'day1' }, T0 + 1));
    expect(await pair.same((l) => l.sentMilestones('A1'))).toEqual(['shipped', 'day1']);
    expect(await pair.same((l) => l.sentMilestones('nobody'))).toEqual([]);
  });

  it('releaseClaim, recordFailed, recordSkip, recordCancelled, reschedule: each only from the statuses it leaves', async () => {
    await enter('A1');
    await enter('B1');
    await pair.same((l) => l.claimSend(1, T0, LEASE));
    await pair.same((l) => l.releaseClaim(1, 'smtp 421', T0 + 1));
    await pair.same((l) => l.releaseClaim(2, 'not claimed', T0 + 1));
    expect(await pair.same((l) => l.getSend(1))).toMatchObject({ status: 'queued', error: 'smtp 421', claimedAt: null, attempts: 1 });
    expect((await pair.same((l) => l.getSend(2)))?.error).toBeNull();
    await pair.same((l) => l.recordFailed(1, 'smtp 550', T0 + 2, { subject: 'S', template: 't' }));
    expect(await pair.same((l) => l.getSend(1))).toMatchObject({ status: 'failed', error: 'smtp 550', subject: 'S', template: 't', messageId: null });
    await pair.same((l) => l.recordFailed(1, 'again', T0 + 3));
    expect((await pair.same((l) => l.getSend(1)))?.error).toBe('smtp 550');
    expect(await pair.same((l) => l.recordSkip(2, 'suppressed', T0 + 4))).toBe(true);
    expect(await pair.same((l) => l.recordSkip(2, 'stale', T0 + 4))).toBe(false);
    expect((await pair.same((l) => l.getSend(2)))?.reason).toBe('suppressed');
    expect(await pair.same((l) => l.recordCancelled(3, 'refund', T0 + 5))).toBe(true);
    expect(await pair.same((l) => l.recordCancelled(3, 'refund', T0 + 5))).toBe(false);
    await pair.same((l) => l.reschedule(4, T0 + 20 * DAY, 'queued', T0 + 6));
    await pair.same((l) => l.reschedule(3, T0 + 20 * DAY, 'queued', T0 + 6)); // cancelled: stays
    expect(await pair.same((l) => l.getSend(4))).toMatchObject({ status: 'queued', dueAt: T0 + 20 * DAY, updatedAt: T0 + 6 });
    expect(await pair.same((l) => l.getSend(3))).toMatchObject({ status: 'cancelled', dueAt: T0 + DAY });
    expect((await pair.same((l) => l.sendsOfOrder('B1'))).map((s) => s.status)).toEqual(['scheduled', 'scheduled', 'queued']);
    // Conditioned on what a decision read: a row moved since (a dispute closed) is left as it now is.
    const read = { dueAt: T0 + 20 * DAY, updatedAt: T0 + 6 };
    expect(await pair.same((l) => l.reschedule(4, T0 + 30 * DAY, 'scheduled', T0 + 7, { ...read, dueAt: T0 }))).toBe(false);
    expect(await pair.same((l) => l.reschedule(4, T0 + 30 * DAY, 'scheduled', T0 + 7, { ...read, updatedAt: T0 + 5 }))).toBe(false);
    expect(await pair.same((l) => l.getSend(4))).toMatchObject({ status: 'queued', dueAt: T0 + 20 * DAY });
    expect(await pair.same((l) => l.reschedule(4, T0 + 30 * DAY, 'scheduled', T0 + 7, read))).toBe(true);
    expect(await pair.same((l) => l.getSend(4))).toMatchObject({ status: 'scheduled', dueAt: T0 + 30 * DAY, updatedAt: T0 + 7 });
  });

  it('cancelOrder: the order, its pending sends (ids ascending), and its registration stop', async () => {
    await enter('A1');
    await enter('B1');
    await pair.same((l) => l.claimSend(2, T0, LEASE));
    await pair.same((l) => l.recordSent(2, FACTS, T0));
    await execBoth(pair, `UPDATE tracking_registrations SET state = 'registered' WHERE order_id = 'B1'`);
    expect(await pair.same((l) => l.cancelOrder('A1', 'refund', T0 + 9))).toEqual([1, 3]);
    expect(await pair.same((l) => l.cancelOrder('B1', 'refund', T0 + 9))).toEqual([4, 5, 6]);
    expect(await pair.same((l) => l.cancelOrder('B1', 'again', T0 + 10))).toEqual([]);
    expect(await pair.same((l) => l.getOrder('A1'))).toMatchObject({ state: 'cancelled', stateReason: 'refund', updatedAt: T0 + 9 });
    expect((await pair.same((l) => l.sendsOfOrder('A1'))).map((s) => [s.id, s.status, s.reason])).toEqual([
      [2, 'sent', null], [3, 'cancelled', 'refund'], [1, 'cancelled', 'refund'],
    ]);
    expect(await rowsBoth(pair, 'SELECT order_id, state, due_at, stopped_at, last_error FROM tracking_registrations ORDER BY order_id')).toEqual([
      { order_id: 'A1', state: 'stopped', due_at: null, stopped_at: T0 + 9, last_error: 'order finished before registration' },
      { order_id: 'B1', state: 'stopping', due_at: T0 + 9, stopped_at: null, last_error: null },
    ]);
  });

  it('suppress, isSuppressed: an unsubscribe blocks the optional letters; a hard bounce all, and is never narrowed', async () => {
    expect(await pair.same((l) => l.isSuppressed('ana@example.com', 'day14'))).toBe(false);
    await pair.same((l) => l.suppress(' Ana@Example.com ', 'review', 'unsubscribed', T0));
    expect(await pair.same((l) => l.isSuppressed('ANA@example.com', 'day14'))).toBe(true);
    expect(await pair.same((l) => l.isSuppressed('ana@example.com', 'delay'))).toBe(true);
    expect(await pair.same((l) => l.isSuppressed('ana@example.com', 'shipped'))).toBe(false);
    await pair.same((l) => l.suppress('ana@example.com', 'all', 'hard bounce', T0 + 1));
    await pair.same((l) => l.suppress('ana@example.com', 'review', 'unsubscribed again', T0 + 2));
    expect(await pair.same((l) => l.isSuppressed('ana@example.com', 'shipped'))).toBe(true);
    expect(await rowsBoth(pair, 'SELECT email, scope, reason, created_at FROM suppressions')).toEqual([
      { email: 'ana@example.com', scope: 'all', reason: 'unsubscribed again', created_at: T0 },
    ]);
  });

  it('setDisputedAt, releaseHeldReview, cancelPending', async () => {
    await enter('A1');
    await pair.same((l) => l.setDisputedAt('A1', T0 + DAY, T0 + DAY));
    expect(await pair.same((l) => l.getOrder('A1'))).toMatchObject({ disputedAt: T0 + DAY, updatedAt: T0 + DAY });
    await pair.same((l) => l.setDisputedAt('A1', null, T0 + 2 * DAY));
    expect((await pair.same((l) => l.getOrder('A1')))?.disputedAt).toBeNull();
    await pair.same((l) => l.insertResend({ id: 1, orderId: 'A1', milestone: 'day14' }, T0));
    expect(await pair.same((l) => l.releaseHeldReview('A1', T0 + 15 * DAY, T0 + 3 * DAY))).toBe(1); // the first day14 only
    expect((await pair.same((l) => l.getSend(1)))?.dueAt).toBe(T0 + 15 * DAY);
    expect((await pair.same((l) => l.getSend(4)))?.dueAt).toBe(T0);
    await pair.same((l) => l.markQueued([3], T0));
    expect(await pair.same((l) => l.cancelPending('A1', ['day1', 'day14'], 'delivered', T0 + 4 * DAY))).toEqual([1, 3, 4]);
    expect(await pair.same((l) => l.cancelPending('A1', ['shipped'], 'delivered', T0 + 4 * DAY))).toEqual([2]);
    expect(await pair.same((l) => l.cancelPending('A1', ['shipped'], 'delivered', T0 + 4 * DAY))).toEqual([]);
    expect(await pair.same((l) => l.releaseHeldReview('A1', T0, T0))).toBe(0);
  });
});

describe('the promoter and the reconciler on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
  });
  afterEach(() => pair.close());

  /** `n` orders O0.. each with one shipped send; due times out of id order. */
  async function orders(n: number, due = (i: number) => T0 + ((i * 7) % n) * 1000) {
    for (let i = 0; i < n; i++) {
      await pair.same((l) => l.insertOrder(domainOrder(`O${i}`, { carrier: i % 2 ? 'dhl' : 'cainiao', country: 'PT' }), [planned('shipped', due(i))], T0, null));
    }
  }

  it('dueForPromotion: scheduled rows due by then, oldest first (then id), with the order lane; skipStale, markQueued, markScheduled', async () => {
    await orders(5, (i) => [T0 + 3000, T0 + 1000, T0 + 1000, T0 + 9000, T0 + 2000][i]);
    const due = await pair.same((l) => l.dueForPromotion(T0 + 3000, 3));
    expect(due).toEqual([
      { id: 2, dueAt: T0 + 1000, milestone: 'shipped', resendOf: null, carrier: 'dhl', country: 'PT', store: 'default' },
      { id: 3, dueAt: T0 + 1000, milestone: 'shipped', resendOf: null, carrier: 'cainiao', country: 'PT', store: 'default' },
      { id: 5, dueAt: T0 + 2000, milestone: 'shipped', resendOf: null, carrier: 'cainiao', country: 'PT', store: 'default' },
    ]);
    expect(await pair.same((l) => l.skipStale([2], T0))).toBe(1);
    expect(await pair.same((l) => l.skipStale([2], T0))).toBe(0);
    expect(await pair.same((l) => l.skipStale([], T0))).toBe(0);
    expect(await pair.same((l) => l.getSend(2))).toMatchObject({ status: 'skipped', reason: 'stale' });
    expect(await pair.same((l) => l.markQueued([5, 2, 3], T0 + 1))).toEqual([3, 5]);
    expect(await pair.same((l) => l.markQueued([], T0 + 1))).toEqual([]);
    expect(await pair.same((l) => l.getSend(3))).toMatchObject({ status: 'queued', queuedAt: T0 + 1 });
    expect((await pair.same((l) => l.dueForPromotion(T0 + 10_000, 10))).map((r) => r.id)).toEqual([1, 4]);
    await pair.same((l) => l.markScheduled([3, 2], T0 + 2));
    await pair.same((l) => l.markScheduled([], T0 + 2));
    expect(await pair.same((l) => l.getSend(3))).toMatchObject({ status: 'scheduled', queuedAt: null, updatedAt: T0 + 2 });
    expect((await pair.same((l) => l.getSend(2)))?.status).toBe('skipped');
    const resend = await pair.same((l) => l.insertResend({ id: 1, orderId: 'O0', milestone: 'shipped' }, T0));
    expect((await pair.same((l) => l.dueForPromotion(T0, 1)))[0]).toMatchObject({ id: resend.id, resendOf: 1 });
  });

  it('dueForPromotion on PostgreSQL: a second promoter skips the rows a first one holds, without waiting for it', async () => {
    await orders(6, (i) => T0 + i * 1000);
    const pgLedger = pair.postgres;
    const { first, second } = await pgLedger.transaction(async (tx) => {
      const first = await tx.dueForPromotion(T0 + DAY, 3);
      // Another connection, while the first transaction holds its rows.
      const second = await pgLedger.transaction((other) => other.dueForPromotion(T0 + DAY, 10));
      await tx.markQueued(first.map((r) => r.id), T0);
      return { first, second };
    });
    expect(first.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(second.map((r) => r.id)).toEqual([4, 5, 6]);
    expect((await pgLedger.dueForPromotion(T0 + DAY, 10)).map((r) => r.id)).toEqual([4, 5, 6]);
  });

  it('promoters running at once on PostgreSQL take each row exactly once (each batch its own transaction)', async () => {
    await orders(40);
    // PostgreSQL only: SQLite's write gate lets two waiting transactions begin at once (see the report on WriteGate.hold).
    const ledger = pair.postgres;
    const promoter = async () => {
      const ids: number[] = [];
      for (;;) {
        const batch = await ledger.transaction(async (tx) => tx.markQueued((await tx.dueForPromotion(T0 + DAY, 4)).map((r) => r.id), T0));
        if (batch.length === 0) return ids;
        ids.push(...batch);
      }
    };
    const taken = (await Promise.all([promoter(), promoter(), promoter(), promoter()])).flat();
    expect(taken.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await ledger.dueForPromotion(T0 + DAY, 100)).toEqual([]);
  });

  it('dueForPromotion on PostgreSQL: four promoters whose transactions overlap never get the same row', async () => {
    await orders(30, (i) => T0 + i * 1000);
    const pgLedger = pair.postgres;
    // Each holds its rows until all four have theirs: plain FOR UPDATE would wait here for ever, no lock would share rows.
    let arrived = 0;
    let allIn!: () => void;
    const barrier = new Promise<void>((resolve) => (allIn = resolve));
    const promoter = () =>
      pgLedger.transaction(async (tx) => {
        const rows = await tx.dueForPromotion(T0 + DAY, 5);
        if (++arrived === 4) allIn();
        await barrier;
        expect(await tx.markQueued(rows.map((r) => r.id), T0)).toEqual(rows.map((r) => r.id));
        return rows.map((r) => r.id);
      });
    const batches = await Promise.all([promoter(), promoter(), promoter(), promoter()]);
    expect(batches.every((ids) => ids.length === 5)).toBe(true);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await pgLedger.dueForPromotion(T0 + DAY, 100)).map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));
  });

  it('queuedSends pages by (due_at, id); releaseExpiredClaims requeues claims past the lease and those without a claim time', async () => {
    await orders(6, (i) => [T0 + 5, T0 + 1, T0 + 5, T0 + 1, T0 + 3, T0 + 9][i]);
    expect(await pair.same((l) => l.markQueued([1, 2, 3, 4, 5], T0))).toEqual([1, 2, 3, 4, 5]);
    const page1 = await pair.same((l) => l.queuedSends(null, 3));
    expect(page1).toEqual([{ id: 2, dueAt: T0 + 1 }, { id: 4, dueAt: T0 + 1 }, { id: 5, dueAt: T0 + 3 }]);
    expect(await pair.same((l) => l.queuedSends(page1[2], 3))).toEqual([{ id: 1, dueAt: T0 + 5 }, { id: 3, dueAt: T0 + 5 }]);
    expect(await pair.same((l) => l.queuedSends({ id: 3, dueAt: T0 + 5 }, 3))).toEqual([]);
    for (const id of [1, 2, 3, 4]) await pair.same((l) => l.claimSend(id, id === 4 ? T0 + LEASE : T0, LEASE));
    await execBoth(pair, 'UPDATE sends SET claimed_at = NULL WHERE id = 3');
    expect(await pair.same((l) => l.releaseExpiredClaims(T0 + LEASE + 1, LEASE))).toEqual([1, 2, 3]);
    expect(await pair.same((l) => l.releaseExpiredClaims(T0 + LEASE + 1, LEASE))).toEqual([]);
    expect(await pair.same((l) => l.getSend(1))).toMatchObject({ status: 'queued', claimedAt: null, error: 'claim expired (worker stopped mid-send)', updatedAt: T0 + LEASE + 1 });
    expect((await pair.same((l) => l.getSend(4)))?.status).toBe('sending');
  });

  it('releaseExpiredClaims on PostgreSQL passes over a claim another transaction holds, and takes it once that ends', async () => {
    await orders(3);
    for (const id of [1, 2, 3]) await pair.postgres.claimSend(id, T0, LEASE);
    const now = T0 + LEASE + 1;
    const during = await pair.postgres.transaction(async (tx) => {
      await tx.noteUnrecorded(2, 'holding the row', now); // a row lock until commit
      return pair.postgres.releaseExpiredClaims(now, LEASE);
    });
    expect([...during].sort()).toEqual([1, 3]);
    expect(await pair.postgres.releaseExpiredClaims(now, LEASE)).toEqual([2]);
  });
});

describe('the delay watch on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
  });
  afterEach(() => pair.close());

  it('ordersToWatch: active orders short of the post office whose watch time has come, oldest first; setWatchAt', async () => {
    const shipped = (i: number) => ({ shippedAt: domainOrder('x').shippedAt.plus({ hours: i }) });
    for (const [id, i] of [['W3', 3], ['W1', 1], ['W2', 2], ['W4', 4]] as const) {
      await pair.same((l) => l.insertOrder(domainOrder(id, shipped(i)), [], T0, null));
    }
    await pair.same((l) => l.insertOrder(domainOrder('DONE', { state: 'delivered' }), [], T0, null));
    await execBoth(pair, `UPDATE orders SET stage_rank = 3 WHERE order_id = 'W4'`);
    const watched = await pair.same((l) => l.ordersToWatch(T0 + 3 * HOUR, 10));
    expect(watched.map((o) => [o.orderId, o.watchAt])).toEqual([['W1', T0 + HOUR], ['W2', T0 + 2 * HOUR], ['W3', T0 + 3 * HOUR]]);
    expect(watched[0]).toMatchObject({ state: 'active', stageRank: 0, trackingNumber: 'LPW1' });
    expect((await pair.same((l) => l.ordersToWatch(T0 + 3 * HOUR, 2))).map((o) => o.orderId)).toEqual(['W1', 'W2']);
    await pair.same((l) => l.setWatchAt([{ orderId: 'W1', at: T0 + DAY }, { orderId: 'W2', at: null }, { orderId: 'W1', at: T0 + 2 * DAY }, { orderId: 'nope', at: 1 }]));
    await pair.same((l) => l.setWatchAt([]));
    expect((await pair.same((l) => l.ordersToWatch(T0 + 3 * DAY, 10))).map((o) => [o.orderId, o.watchAt])).toEqual([['W3', T0 + 3 * HOUR], ['W1', T0 + 2 * DAY]]);
    expect((await pair.same((l) => l.getOrder('W2')))?.watchAt).toBeNull();
  });

  it('insertRuleSends: which were new (a repeat in one call, or of a row already there, is not); delayNoticeTimes', async () => {
    for (const id of ['A', 'B', 'C']) await pair.same((l) => l.insertOrder(domainOrder(id), [], T0, null));
    const notice = (orderId: string, seq: number, at: number) => ({ orderId, planned: planned('delay', at, { seq }) });
    expect(await pair.same((l) => l.insertRuleSends([notice('B', 1, T0 + 2 * DAY), notice('A', 0, T0 + DAY), notice('B', 0, T0 + DAY)], T0))).toEqual([true, true, true]);
    expect(await pair.same((l) => l.insertRuleSends([], T0))).toEqual([]);
    await pair.same((l) => l.insertResend({ id: 2, orderId: 'A', milestone: 'delay' }, T0 + 5));
    const times = await pair.same((l) => l.delayNoticeTimes(['A', 'B', 'C', 'nope']));
    expect(times).toEqual(new Map([['A', [T0 + DAY]], ['B', [T0 + DAY, T0 + 2 * DAY]]]));
    expect(await pair.same((l) => l.delayNoticeTimes([]))).toEqual(new Map());
    const sends = await pair.same((l) => l.sendsOfOrder('B'));
    expect(sends.map((s) => [s.id, s.seq, s.status, s.createdAt])).toEqual([[3, 0, 'scheduled', T0], [1, 1, 'scheduled', T0]]);
    // Conflicts last (they use up ids on PostgreSQL): repeats within the call and of rows already there.
    const again = await pair.same((l) => l.insertRuleSends([notice('C', 0, T0), notice('A', 0, T0), notice('C', 0, T0 + 1), notice('C', 1, T0)], T0 + 1));
    expect(again).toEqual([true, false, false, true]);
    expect((await pair.same((l) => l.sendsOfOrder('C'))).map((s) => [s.seq, s.dueAt])).toEqual([[0, T0], [1, T0]]);
  });
});
