/**
 * Contract: the registration outbox answers the same on PostgreSQL as on
 * SQLite (src/store/registrations.ts), call for call, and answers what it
 * should; on PostgreSQL, workers claiming due rows never share one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../src/store/ledger-api.js';
import type { NewRegistration, RegistrationRow, TrackingProviderName } from '../../../src/store/registrations.js';
import { HOUR, order, T0, trackingPair, type TrackingPair } from './tracking-pair.js';

const NOW = T0 + 10 * HOUR;
const LEASE = 5 * 60_000;
const POLL = 6 * HOUR;
const DAY = 24 * HOUR;

const reg = (orderId: string, provider: TrackingProviderName = '17track'): NewRegistration => ({ orderId, provider, trackingNumber: `RR${orderId}ES`, carrier: 'correos' });

/** The row `insertRegistrations` makes at `now`, with `fields` changed since. */
function pending(orderId: string, now: number, fields: Partial<RegistrationRow> = {}): RegistrationRow {
  return {
    ...reg(orderId),
    state: 'pending',
    dueAt: now,
    providerId: null,
    detectedCarrier: null,
    attempts: 0,
    lastError: null,
    registeredAt: null,
    lastPushAt: null,
    lastPollAt: null,
    stoppedAt: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

const ids = (rows: readonly RegistrationRow[]) => rows.map((r) => r.orderId);
const watchAtOf = async (l: Ledger, orderId: string) => (await l.ordersWithTrackingNumber(`RR${orderId}ES`))[0]?.watchAt;

let pair: TrackingPair;
beforeEach(async () => {
  pair = await trackingPair();
  await pair.insertOrders(['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((id) => order(id)));
});
afterEach(async () => {
  await pair.close();
});

describe('the outbox', () => {
  it('inserts pending registrations, due now; an order already registered keeps its row', async () => {
    await pair.same(async (l) => {
      await l.insertRegistrations([reg('A'), reg('B')], NOW);
      await l.insertRegistrations([{ ...reg('A'), carrier: 'dhl' }, reg('C', 'aftership')], NOW + 1);
      await l.insertRegistrations([], NOW + 2);
    });
    expect(await pair.same((l) => l.registrationOf('A'))).toStrictEqual(pending('A', NOW));
    expect(await pair.same((l) => l.registrationOf('C'))).toStrictEqual(pending('C', NOW + 1, { provider: 'aftership' }));
    expect(await pair.same((l) => l.registrationOf('nope'))).toBeUndefined();
    expect(await pair.same((l) => l.registrationCounts())).toStrictEqual([
      { provider: '17track', state: 'pending', count: 2, oldestDueAt: NOW },
      { provider: 'aftership', state: 'pending', count: 1, oldestDueAt: NOW + 1 },
    ]);
  });

  it('claims due rows oldest due first, moving them to the lease end; a row comes back once its lease ends', async () => {
    await pair.same(async (l) => {
      await l.insertRegistrations([reg('E')], NOW - 3);
      await l.insertRegistrations([reg('B')], NOW - 2);
      await l.insertRegistrations([reg('D')], NOW - 1);
      await l.insertRegistrations([reg('A')], NOW);
      await l.insertRegistrations([reg('C')], NOW + 5);
      await l.insertRegistrations([reg('F', 'aftership')], NOW - 5);
      // Due first, entered third: due order D E B, entry order E B D, key order B D E.
      await l.deferRegistrations(['D'], 'pending', 'HTTP 503', NOW - 10, NOW - 1);
    });
    const first = await pair.same((l) => l.claimDue('17track', 'pending', NOW, 3, NOW + LEASE));
    // The three oldest due, in entry order (SQLite's update returns them in rowid order).
    expect(ids(first)).toStrictEqual(['E', 'B', 'D']);
    expect(first[1]).toStrictEqual(pending('B', NOW - 2, { dueAt: NOW + LEASE }));
    expect(ids(await pair.same((l) => l.claimDue('17track', 'pending', NOW, 3, NOW + LEASE)))).toStrictEqual(['A']);
    expect(await pair.same((l) => l.claimDue('17track', 'pending', NOW, 3, NOW + LEASE))).toStrictEqual([]);
    expect(await pair.same((l) => l.claimDue('17track', 'registered', NOW + DAY, 3, NOW + DAY))).toStrictEqual([]);
    expect(ids(await pair.same((l) => l.claimDue('17track', 'pending', NOW + 10, 3, NOW + 10 + LEASE, 'C')))).toStrictEqual(['C']);
    expect(await pair.same((l) => l.claimDue('17track', 'pending', NOW + 10, 3, NOW + 10 + LEASE, 'A'))).toStrictEqual([]);
    // Ties in due time come in entry order.
    expect(ids(await pair.same((l) => l.dueRegistrations('17track', 'pending', NOW + LEASE, 10)))).toStrictEqual(['E', 'B', 'D', 'A']);
    expect(ids(await pair.same((l) => l.dueRegistrations('17track', 'pending', Number.MAX_SAFE_INTEGER, 1)))).toStrictEqual(['E']);
    expect(ids(await pair.same((l) => l.claimDue('17track', 'pending', NOW + LEASE, 10, NOW + 2 * LEASE)))).toStrictEqual(['E', 'B', 'D', 'A']);
    expect(ids(await pair.same((l) => l.dueRegistrations('aftership', 'pending', NOW, 10)))).toStrictEqual(['F']);
  });
});

describe('long lists', () => {
  const many = Array.from({ length: 700 }, (_, i) => `L${String(i).padStart(3, '0')}`);

  beforeEach(async () => {
    await pair.insertOrders(many.map((id) => order(id)));
  });

  it('inserts and updates more rows than one statement takes, all or none', async () => {
    // The last row's order does not exist: nothing of the list is inserted.
    for (const l of [pair.sqlite, pair.postgres]) await expect(l.insertRegistrations([...many, 'missing'].map((id) => reg(id)), NOW)).rejects.toThrow();
    expect(await pair.same((l) => l.registrationCounts())).toStrictEqual([]);
    await pair.same((l) => l.insertRegistrations(many.map((id) => reg(id)), NOW));
    await pair.same((l) => l.deferRegistrations(many.slice(0, 650), 'pending', 'HTTP 503', NOW + HOUR, NOW + 1));
    expect(await pair.same((l) => l.registrationCounts())).toStrictEqual([{ provider: '17track', state: 'pending', count: 700, oldestDueAt: NOW }]);
    expect(await pair.same((l) => l.registrationOf('L649'))).toMatchObject({ dueAt: NOW + HOUR, attempts: 1 });
    await pair.exec(`UPDATE tracking_registrations SET state = 'stopping'`);
    await pair.same((l) => l.markStopped(many.slice(100), NOW + 2));
    expect((await pair.same((l) => l.registrationCounts())).map((c) => [c.state, c.count])).toStrictEqual([
      ['stopped', 600],
      ['stopping', 100],
    ]);
  });
});

describe('claiming on PostgreSQL', () => {
  const many = Array.from({ length: 40 }, (_, i) => `M${String(i).padStart(2, '0')}`);

  beforeEach(async () => {
    await pair.insertOrders(many.map((id) => order(id)));
    await pair.postgres.insertRegistrations(many.map((id) => reg(id)), NOW);
  });

  it('skips the rows another transaction holds, without waiting for it', async () => {
    const [held, other] = await pair.postgres.transaction(async (tx) => {
      const mine = await tx.claimDue('17track', 'pending', NOW, 3, NOW + LEASE);
      // Outside the transaction, on another connection: it would wait for the transaction (and this test hang) without SKIP LOCKED.
      return [mine, await pair.postgres.claimDue('17track', 'pending', NOW, 3, NOW + LEASE)];
    });
    expect(ids(held)).toStrictEqual(['M00', 'M01', 'M02']);
    expect(ids(other)).toStrictEqual(['M03', 'M04', 'M05']);
  });

  it('a row the holder gives back is due again', async () => {
    await expect(
      pair.postgres.transaction(async (tx) => {
        await tx.claimDue('17track', 'pending', NOW, 3, NOW + LEASE);
        throw new Error('sync died');
      }),
    ).rejects.toThrow('sync died');
    expect(ids(await pair.postgres.claimDue('17track', 'pending', NOW, 3, NOW + LEASE))).toStrictEqual(['M00', 'M01', 'M02']);
  });

  it('never hands one row to two workers claiming at once', async () => {
    for (let round = 0; round < 5; round += 1) {
      const at = NOW + round * LEASE;
      const claims = await Promise.all(Array.from({ length: 8 }, () => pair.postgres.claimDue('17track', 'pending', at, 5, at + LEASE)));
      expect(claims.map((c) => c.length)).toStrictEqual(Array(8).fill(5));
      const claimed = claims.flatMap(ids);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.sort()).toStrictEqual(many);
    }
  });
});

describe('a registration’s life', () => {
  beforeEach(async () => {
    await pair.same(async (l) => {
      await l.insertRegistrations(['A', 'B', 'C', 'D'].map((id) => reg(id)), NOW);
    });
  });

  it('registers a pending row once, keeping facts it is not told, and asks the watch to look at the order', async () => {
    await pair.same((l) => l.markRegistered('A', { providerId: 'p-a', detectedCarrier: 'spain-post' }, NOW + 1, POLL));
    const registered = pending('A', NOW, { state: 'registered', dueAt: NOW + 1 + POLL, providerId: 'p-a', detectedCarrier: 'spain-post', attempts: 1, registeredAt: NOW + 1, updatedAt: NOW + 1 });
    expect(await pair.same((l) => l.registrationOf('A'))).toStrictEqual(registered);
    expect(await pair.same((l) => watchAtOf(l, 'A'))).toBe(NOW + 1);
    // Registered already: the row stays; the watch is still asked.
    await pair.same((l) => l.markRegistered('A', { providerId: 'other' }, NOW + 2, POLL));
    expect(await pair.same((l) => l.registrationOf('A'))).toStrictEqual(registered);
    expect(await pair.same((l) => watchAtOf(l, 'A'))).toBe(NOW + 2);

    await pair.exec(`UPDATE tracking_registrations SET provider_id = 'kept', last_error = 'HTTP 503' WHERE order_id = 'B'`);
    await pair.exec(`UPDATE orders SET state = 'cancelled' WHERE order_id = 'B'`);
    await pair.same((l) => l.markRegistered('B', { providerId: null }, NOW + 3, POLL));
    expect(await pair.same((l) => l.registrationOf('B'))).toMatchObject({ state: 'registered', providerId: 'kept', detectedCarrier: null, lastError: null, attempts: 1 });
    expect(await pair.same((l) => watchAtOf(l, 'B'))).toBe(T0);
  });

  it('rejects a pending row for good, and defers rows of one state', async () => {
    await pair.same(async (l) => {
      await l.markRegistered('C', {}, NOW, POLL);
      await l.markRejected('A', 'invalid number', NOW + 1);
      await l.markRejected('C', 'invalid number', NOW + 1);
    });
    expect(await pair.same((l) => l.registrationOf('A'))).toStrictEqual(pending('A', NOW, { state: 'rejected', dueAt: null, attempts: 1, lastError: 'invalid number', updatedAt: NOW + 1 }));
    expect(await pair.same((l) => l.registrationOf('C'))).toMatchObject({ state: 'registered', attempts: 1, lastError: null });

    await pair.same(async (l) => {
      await l.deferRegistrations(['A', 'B', 'C', 'x'], 'pending', 'HTTP 503', NOW + HOUR, NOW + 2);
      await l.deferRegistrations([], 'pending', 'never', 0, 0);
    });
    expect(await pair.same((l) => l.registrationOf('B'))).toStrictEqual(pending('B', NOW, { dueAt: NOW + HOUR, attempts: 1, lastError: 'HTTP 503', updatedAt: NOW + 2 }));
    expect(await pair.same((l) => l.registrationOf('A'))).toMatchObject({ state: 'rejected', dueAt: null, attempts: 1 });
    expect(await pair.same((l) => l.registrationOf('C'))).toMatchObject({ dueAt: NOW + POLL, attempts: 1 });
    await pair.same((l) => l.deferRegistrations(['C'], 'registered', 'HTTP 429', NOW + 2 * HOUR, NOW + 3));
    expect(await pair.same((l) => l.registrationOf('C'))).toMatchObject({ dueAt: NOW + 2 * HOUR, attempts: 2, lastError: 'HTTP 429', updatedAt: NOW + 3 });
  });

  it('records a poll and a push of a registered parcel', async () => {
    await pair.same(async (l) => {
      await l.markRegistered('A', { providerId: 'p-a' }, NOW, POLL);
      await l.deferRegistrations(['A'], 'registered', 'HTTP 500', NOW + HOUR, NOW);
      await l.markPolled('A', { detectedCarrier: 'spain-post' }, NOW + 1, POLL);
      await l.markPolled('B', { providerId: 'pending-rows-are-not-polled' }, NOW + 1, POLL);
    });
    const polled = await pair.same((l) => l.registrationOf('A'));
    expect(polled).toMatchObject({ dueAt: NOW + 1 + POLL, lastPollAt: NOW + 1, lastError: null, providerId: 'p-a', detectedCarrier: 'spain-post', attempts: 2, updatedAt: NOW + 1 });
    expect(await pair.same((l) => l.registrationOf('B'))).toStrictEqual(pending('B', NOW));

    // A push moves the next poll out, never in; a carrier other than ours is what the provider detected.
    await pair.same((l) => l.notePush('A', NOW + 2, POLL, null));
    expect(await pair.same((l) => l.registrationOf('A'))).toMatchObject({ lastPushAt: NOW + 2, dueAt: NOW + 2 + POLL, detectedCarrier: 'spain-post', updatedAt: NOW + 2 });
    await pair.same((l) => l.notePush('A', NOW + 3, -POLL, 'correos'));
    expect(await pair.same((l) => l.registrationOf('A'))).toMatchObject({ lastPushAt: NOW + 3, dueAt: NOW + 2 + POLL, detectedCarrier: 'spain-post' });
    await pair.same((l) => l.notePush('A', NOW + 4, POLL, 'dhl'));
    expect(await pair.same((l) => l.registrationOf('A'))).toMatchObject({ dueAt: NOW + 4 + POLL, detectedCarrier: 'dhl' });
    await pair.exec(`UPDATE tracking_registrations SET due_at = NULL WHERE order_id = 'A'`);
    await pair.same((l) => l.notePush('A', NOW + 5, POLL, 'correos'));
    expect(await pair.same((l) => l.registrationOf('A'))).toMatchObject({ dueAt: NOW + 5 + POLL, detectedCarrier: 'dhl' });
    await pair.same((l) => l.notePush('B', NOW + 5, POLL, 'dhl'));
    expect(await pair.same((l) => l.registrationOf('B'))).toStrictEqual(pending('B', NOW));
  });

  it('stops a registered parcel through the provider, a pending one at once', async () => {
    await pair.same(async (l) => {
      await l.markRegistered('A', {}, NOW, POLL);
      await l.markRejected('C', 'invalid number', NOW);
      for (const id of ['A', 'B', 'C']) await l.requestStop(id, NOW + 1);
    });
    expect(await pair.same((l) => l.registrationOf('A'))).toMatchObject({ state: 'stopping', dueAt: NOW + 1, stoppedAt: null, updatedAt: NOW + 1 });
    expect(await pair.same((l) => l.registrationOf('B'))).toStrictEqual(
      pending('B', NOW, { state: 'stopped', dueAt: null, stoppedAt: NOW + 1, lastError: 'order finished before registration', updatedAt: NOW + 1 }),
    );
    expect(await pair.same((l) => l.registrationOf('C'))).toMatchObject({ state: 'rejected', updatedAt: NOW });
    expect(await pair.same((l) => l.isRegistered('A'))).toBe(true);

    await pair.same(async (l) => {
      await l.deferRegistrations(['A'], 'stopping', 'HTTP 500', NOW + HOUR, NOW + 1);
      await l.markStopped(['A', 'B', 'C', 'D'], NOW + 2);
      await l.markStopped([], NOW + 3);
    });
    expect(await pair.same((l) => l.registrationOf('A'))).toMatchObject({ state: 'stopped', dueAt: null, stoppedAt: NOW + 2, lastError: null, updatedAt: NOW + 2 });
    expect(await pair.same((l) => l.registrationOf('D'))).toStrictEqual(pending('D', NOW));
    expect(await pair.same((l) => l.isRegistered('A'))).toBe(false);
  });

  it('makes everything still in work due now for a manual sync', async () => {
    await pair.same(async (l) => {
      await l.markRegistered('A', {}, NOW, POLL);
      await l.markRejected('B', 'invalid number', NOW);
      await l.requestStop('C', NOW);
    });
    expect(await pair.same((l) => l.makeDueNow(NOW + 1))).toBe(2);
    expect(await pair.same((l) => l.registrationOf('A'))).toMatchObject({ state: 'registered', dueAt: NOW + 1, updatedAt: NOW });
    expect(await pair.same((l) => l.registrationOf('B'))).toMatchObject({ dueAt: null });
    expect(await pair.same((l) => l.makeDueNow(NOW + 2, 'D'))).toBe(1);
    expect(await pair.same((l) => l.makeDueNow(NOW + 2, 'B'))).toBe(0);
    expect(await pair.same((l) => l.makeDueNow(NOW + 2, 'nope'))).toBe(0);
  });

  it('changes the carrier of the registration and of its order together', async () => {
    await pair.same((l) => l.changeCarrier('A', 'dhl', 'dhl-express', NOW + 1));
    expect(await pair.same((l) => l.registrationOf('A'))).toMatchObject({ carrier: 'dhl', detectedCarrier: 'dhl-express', updatedAt: NOW + 1 });
    expect(await pair.same(async (l) => (await l.ordersWithTrackingNumber('RRAES'))[0])).toMatchObject({ carrier: 'dhl', updatedAt: NOW + 1 });
    await pair.same((l) => l.changeCarrier('A', 'gls', null, NOW + 2));
    expect(await pair.same((l) => l.registrationOf('A'))).toMatchObject({ carrier: 'gls', detectedCarrier: null });
  });
});

describe('looking registrations up', () => {
  beforeEach(async () => {
    await pair.same(async (l) => {
      await l.insertRegistrations([reg('D'), reg('B')], NOW);
      await l.insertRegistrations([reg('C'), reg('A')], NOW - 1);
      await l.insertRegistrations([reg('E', 'aftership')], NOW);
      // By state the reverse of by key: D pending, C registered, B rejected, A stopping.
      await l.markRegistered('C', {}, NOW, POLL);
      await l.markRegistered('A', {}, NOW, -POLL);
      await l.requestStop('A', NOW + 1);
      await l.markRegistered('E', {}, NOW, POLL);
      await l.markRejected('B', 'invalid number', NOW);
    });
  });

  it('by order: one, several (in key order), whether registered', async () => {
    expect(await pair.same((l) => l.registrationOf('C'))).toMatchObject({ orderId: 'C', state: 'registered' });
    const map = await pair.same((l) => l.registrationsOf(['D', 'A', 'nope', 'A', 'E']));
    expect([...map.keys()]).toStrictEqual(['A', 'D', 'E']);
    expect(map.get('A')).toMatchObject({ state: 'stopping' });
    expect([...(await pair.same((l) => l.registrationsOf([]))).keys()]).toStrictEqual([]);
    expect([...(await pair.same((l) => l.registeredAmong(['E', 'D', 'C', 'B', 'A', 'nope'])))]).toStrictEqual(['A', 'C', 'E']);
    expect(await pair.same(async (l) => [await l.isRegistered('C'), await l.isRegistered('A'), await l.isRegistered('D'), await l.isRegistered('B'), await l.isRegistered('nope')])).toStrictEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    // More than one statement's worth of ids.
    const lots = [...Array.from({ length: 1200 }, (_, i) => `none-${i}`), 'E', 'C'];
    expect([...(await pair.same((l) => l.registrationsOf(lots))).keys()]).toStrictEqual(['C', 'E']);
    expect([...(await pair.same((l) => l.registeredAmong(lots)))]).toStrictEqual(['C', 'E']);
  });

  it('by tracking number, for one provider', async () => {
    const rows = await pair.same((l) => l.registrationsForNumbers('17track', ['RRAES', 'RRBES', 'RRCES', 'RRDES', 'RREES', 'NOPE']));
    // SQLite reads them through the due index: by state, then due time.
    expect(ids(rows)).toStrictEqual(['D', 'C', 'B', 'A']);
    expect(rows.map((r) => r.state)).toStrictEqual(['pending', 'registered', 'rejected', 'stopping']);
    expect(ids(await pair.same((l) => l.registrationsForNumbers('aftership', ['RREES', 'RRAES'])))).toStrictEqual(['E']);
    expect(await pair.same((l) => l.registrationsForNumbers('17track', []))).toStrictEqual([]);
  });

  it('counts per provider and state, with the oldest due time of each', async () => {
    expect(await pair.same((l) => l.registrationCounts())).toStrictEqual([
      { provider: '17track', state: 'pending', count: 1, oldestDueAt: NOW },
      { provider: '17track', state: 'registered', count: 1, oldestDueAt: NOW + POLL },
      { provider: '17track', state: 'rejected', count: 1, oldestDueAt: null },
      { provider: '17track', state: 'stopping', count: 1, oldestDueAt: NOW + 1 },
      { provider: 'aftership', state: 'registered', count: 1, oldestDueAt: NOW + POLL },
    ]);
    await pair.same((l) => l.markStopped(['A'], NOW + 2));
    expect((await pair.same((l) => l.registrationCounts())).map((c) => `${c.provider}/${c.state}=${c.count}`)).toStrictEqual([
      '17track/pending=1',
      '17track/registered=1',
      '17track/rejected=1',
      '17track/stopped=1',
      'aftership/registered=1',
    ]);
  });
});

describe('registrations needing attention', () => {
  const registeredAt = NOW - 5 * DAY;
  const cutoff = NOW - 3 * DAY;

  beforeEach(async () => {
    await pair.insertOrders([order('H', { store: 'shop-b' }), order('I', { state: 'delivered', watchAt: null })]);
    await pair.same(async (l) => {
      // One at a time: SQLite lists them in entry order, which PostgreSQL knows only as the entry time.
      for (const [i, id] of ['F', 'B', 'C', 'D', 'A', 'E'].entries()) await l.insertRegistrations([reg(id)], NOW - 6 * DAY + i);
      for (const id of ['A', 'B', 'C', 'D', 'F']) await l.markRegistered(id, {}, id === 'B' ? NOW - DAY : registeredAt, POLL);
      await l.markRejected('E', 'invalid number', NOW - 6 * DAY);
      await l.recordTrackingEvent({ provider: '17track', dedupKey: 'c1', trackingNumber: 'RRCES', carrier: null, providerStatus: 'InTransit', outcome: null, occurredAt: null }, '{}', NOW);
      await l.markEventApplied(1, 'C', 'recorded: no milestone', NOW);
      await l.noteOrderNews('D', NOW - DAY, NOW);
    });
  });

  it('lists parcels registered long ago and never scanned, and rejected ones, of active orders', async () => {
    const rows = await pair.same((l) => l.registrationsNeedingAttention(cutoff));
    // F and A were registered before the cutoff and never scanned; B too recently; C has an event; D news.
    expect(rows.map((r) => [r.orderId, r.state, r.store])).toStrictEqual([
      ['F', 'registered', 'shop-a'],
      ['A', 'registered', 'shop-a'],
      ['E', 'rejected', 'shop-a'],
    ]);
    expect(rows[1]).toStrictEqual({ ...pending('A', NOW - 6 * DAY + 4, { state: 'registered', dueAt: registeredAt + POLL, attempts: 1, registeredAt, updatedAt: registeredAt }), store: 'shop-a' });
    await pair.exec(`UPDATE orders SET state = 'delivered' WHERE order_id = 'F'`);
    expect((await pair.same((l) => l.registrationsNeedingAttention(cutoff, 'shop-a'))).map((r) => r.orderId)).toStrictEqual(['A', 'E']);
  });

  /** Rejected registrations of a finished order, or of another store: not the seller's to fix (or not this seller's). */
  async function rejectedElsewhere(l: Ledger) {
    await l.insertRegistrations([reg('H')], NOW - DAY);
    await l.insertRegistrations([reg('I')], NOW - DAY + 1);
    await l.markRejected('H', 'invalid number', NOW);
    await l.markRejected('I', 'invalid number', NOW);
    return [(await l.registrationsNeedingAttention(cutoff)).map((r) => r.orderId), (await l.registrationsNeedingAttention(cutoff, 'shop-a')).map((r) => r.orderId)];
  }

  it('leaves out rejected registrations of finished orders and, for one store, of other stores (PostgreSQL)', async () => {
    expect(await rejectedElsewhere(pair.postgres)).toStrictEqual([
      ['F', 'A', 'E', 'H'],
      ['F', 'A', 'E'],
    ]);
  });

  // drizzle's and() does not parenthesise a raw sql argument: the OR once escaped both filters on SQLite.
  it('leaves them out on SQLite too', async () => {
    expect(await rejectedElsewhere(pair.sqlite)).toStrictEqual([
      ['F', 'A', 'E', 'H'],
      ['F', 'A', 'E'],
    ]);
  });
});

describe('provider pauses', () => {
  it('pauses a provider until a time, replaces the pause, and resumes it', async () => {
    expect(await pair.same((l) => l.providerPause('17track'))).toBeNull();
    await pair.same((l) => l.pauseProvider('17track', { until: NOW + HOUR, reason: 'quota exhausted' }));
    await pair.same((l) => l.pauseProvider('aftership', { until: NOW + 1, reason: 'rate limited' }));
    expect(await pair.same((l) => l.providerPause('17track'))).toStrictEqual({ until: NOW + HOUR, reason: 'quota exhausted' });
    await pair.same((l) => l.pauseProvider('17track', { until: NOW + 2 * HOUR, reason: 'rate limited (429)' }));
    expect(await pair.same((l) => l.providerPause('17track'))).toStrictEqual({ until: NOW + 2 * HOUR, reason: 'rate limited (429)' });
    expect(await pair.same((l) => l.resumeProvider('17track'))).toBe(true);
    expect(await pair.same((l) => l.resumeProvider('17track'))).toBe(false);
    expect(await pair.same((l) => l.providerPause('17track'))).toBeNull();
    expect(await pair.same((l) => l.providerPause('aftership'))).toStrictEqual({ until: NOW + 1, reason: 'rate limited' });
  });
});
