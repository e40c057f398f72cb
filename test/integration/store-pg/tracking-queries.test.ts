/**
 * Contract: the tracking queries answer the same on PostgreSQL as on SQLite
 * (src/store/tracking.ts), call for call, and answer what they should.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/domain/tracking-status.js';
import type { Ledger } from '../../../src/store/ledger-api.js';
import { HOUR, order, orderRow, T0, trackingPair, type TrackingPair } from './tracking-pair.js';

function event(dedupKey: string, fields: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    provider: '17track',
    dedupKey,
    trackingNumber: 'rr1es',
    carrier: 'correos',
    providerStatus: 'InTransit',
    outcome: 'customs',
    occurredAt: new Date(T0 + HOUR).toISOString(),
    ...fields,
  };
}

let pair: TrackingPair;
beforeEach(async () => {
  pair = await trackingPair();
});
afterEach(async () => {
  await pair.close();
});

const NOW = T0 + 10 * HOUR;

describe('recordTrackingEvent', () => {
  it('stores an event once per provider event, under the normalised number; a retry takes an id, as on SQLite', async () => {
    const results = await pair.same(async (l) => [
      await l.recordTrackingEvent(event('e1'), '{"a":1}', NOW),
      await l.recordTrackingEvent(event('e1', { trackingNumber: 'RR1ES' }), '{"retry":1}', NOW + 1),
      await l.recordTrackingEvent(event('e1', { provider: 'aftership' }), '{}', NOW, 'poll'),
      await l.recordTrackingEvent(event('e2'), '{}', NOW),
    ]);
    expect(results).toStrictEqual([
      { stored: true, id: 1 },
      { stored: false, duplicateOf: 1 },
      { stored: true, id: 3 },
      { stored: true, id: 4 },
    ]);
    const first = await pair.same((l) => l.getTrackingEvent(1));
    expect(first).toStrictEqual({
      id: 1,
      provider: '17track',
      dedupKey: 'e1',
      trackingNumber: 'RR1ES',
      carrier: 'correos',
      orderId: null,
      providerStatus: 'InTransit',
      milestone: 'customs',
      occurredAt: T0 + HOUR,
      receivedAt: NOW,
      processedAt: null,
      outcome: null,
      source: 'push',
      raw: '{"a":1}',
    });
    expect((await pair.same((l) => l.getTrackingEvent(3)))?.source).toBe('poll');
    expect(await pair.same((l) => l.getTrackingEvent(2))).toBeUndefined();
  });

  it('never stores an occurrence later than now, and reads a missing or unreadable time as now', async () => {
    const ids = await pair.same(async (l) => [
      await l.recordTrackingEvent(event('future', { occurredAt: new Date(NOW + 5 * HOUR).toISOString() }), '{}', NOW),
      await l.recordTrackingEvent(event('none', { occurredAt: null }), '{}', NOW),
      await l.recordTrackingEvent(event('bad', { occurredAt: '2026-02-30T10:00:00Z', carrier: null, outcome: null }), '{}', NOW),
    ]);
    const rows = await pair.same((l) => Promise.all(ids.map((r) => l.getTrackingEvent(r.stored ? r.id : 0))));
    expect(rows.map((r) => [r?.occurredAt, r?.carrier, r?.milestone])).toStrictEqual([
      [NOW, 'correos', 'customs'],
      [NOW, 'correos', 'customs'],
      [NOW, null, null],
    ]);
  });
});

describe('recordTrackingEvents', () => {
  it('stores a delivery together, a repeat inside it as a duplicate', async () => {
    const results = await pair.same((l) => l.recordTrackingEvents([event('a'), event('b'), event('a')], '{"batch":1}', NOW, 'poll'));
    expect(results).toStrictEqual([{ stored: true, id: 1 }, { stored: true, id: 2 }, { stored: false, duplicateOf: 1 }]);
    expect((await pair.same((l) => l.getTrackingEvent(2)))?.source).toBe('poll');
    expect(await pair.same((l) => l.recordTrackingEvents([], '{}', NOW))).toStrictEqual([]);
  });

  it('stores none of a delivery when one event fails', async () => {
    const broken = { ...event('y'), provider: null } as unknown as NormalizedEvent;
    for (const l of [pair.sqlite, pair.postgres]) {
      const err = (await l.recordTrackingEvents([event('x'), broken], '{}', NOW).catch((e: unknown) => e)) as Error & { cause?: Error };
      expect(`${err.message} ${err.cause?.message ?? ''}`).toMatch(/NOT NULL constraint failed|violates not-null constraint/);
    }
    // The first event was rolled back with the second: storing it again stores it. (Ids may differ:
    // a PostgreSQL identity value is not given back by a rollback, SQLite's AUTOINCREMENT is.)
    const again = await Promise.all([pair.sqlite, pair.postgres].map((l) => l.recordTrackingEvent(event('x'), '{}', NOW)));
    expect(again.map((r) => r.stored)).toStrictEqual([true, true]);
    expect(await pair.same((l) => l.unappliedEventIds(NOW, 10).then((ids) => ids.length))).toBe(1);
  });
});

describe('trackingEventWriter', () => {
  it('stores each delivery at the clock time, and detects a repeat across deliveries', async () => {
    const results = await pair.same(async (l) => {
      const write = l.trackingEventWriter(() => NOW + 7);
      return [await write([event('a'), event('b')], '{"d":1}'), await write([event('b'), event('c')], '{"d":2}'), await write([], '{}')];
    });
    expect(results).toStrictEqual([
      [{ stored: true, id: 1 }, { stored: true, id: 2 }],
      [{ stored: false, duplicateOf: 2 }, { stored: true, id: 4 }],
      [],
    ]);
    const third = await pair.same((l) => l.getTrackingEvent(4));
    expect([third?.receivedAt, third?.source, third?.raw]).toStrictEqual([NOW + 7, 'push', '{"d":2}']);
  });

  it('stores an event once when two deliveries of it arrive together', async () => {
    for (const l of [pair.sqlite, pair.postgres]) {
      const write = l.trackingEventWriter(() => NOW);
      const deliveries = await Promise.all(Array.from({ length: 8 }, () => write([event('same'), event('same-2')], '{}')));
      const flat = deliveries.flat();
      const stored = flat.filter((r) => r.stored);
      expect(stored).toHaveLength(2);
      const ids = stored.map((r) => (r.stored ? r.id : 0));
      expect(flat.filter((r) => !r.stored).map((r) => (r.stored ? 0 : r.duplicateOf)).every((id) => ids.includes(id))).toBe(true);
      expect(await l.unappliedEventIds(NOW, 100)).toHaveLength(2);
    }
  });
});

describe('applying events', () => {
  beforeEach(async () => {
    await pair.insertOrders([order('1'), order('2', { trackingNumber: 'RR1ES', createdAt: T0 - HOUR }), order('3', { createdAt: T0 - HOUR, trackingNumber: 'RR1ES' })]);
  });

  it('marks an event applied, and says which of a set nobody applied', async () => {
    const ids = await pair.same(async (l) => {
      const out: number[] = [];
      for (const key of ['a', 'b', 'c']) {
        const r = await l.recordTrackingEvent(event(key), '{}', NOW);
        if (r.stored) out.push(r.id);
      }
      return out;
    });
    expect(ids).toStrictEqual([1, 2, 3]);
    await pair.same((l) => l.markEventApplied(2, '1', 'scheduled customs', NOW + 1));
    expect(await pair.same((l) => l.getTrackingEvent(2))).toMatchObject({ orderId: '1', processedAt: NOW + 1, outcome: 'scheduled customs' });
    expect(await pair.same((l) => l.unprocessedEvents([3, 2, 1, 99]))).toStrictEqual([1, 3]);
    expect(await pair.same((l) => l.unprocessedEvents([]))).toStrictEqual([]);
    await pair.same((l) => l.markEventApplied(3, null, 'unmatched', NOW + 2));
    expect(await pair.same((l) => l.getTrackingEvent(3))).toMatchObject({ orderId: null, processedAt: NOW + 2, outcome: 'unmatched' });
  });

  it('lists an order’s events with those still waiting for its number, by time then id; the first of a milestone', async () => {
    await pair.same(async (l) => {
      await l.recordTrackingEvent(event('late', { occurredAt: new Date(T0 + 3 * HOUR).toISOString() }), '{}', NOW); // 1
      await l.recordTrackingEvent(event('early', { occurredAt: new Date(T0 + HOUR).toISOString(), outcome: 'post_office' }), '{}', NOW); // 2
      await l.recordTrackingEvent(event('tie', { occurredAt: new Date(T0 + HOUR).toISOString() }), '{}', NOW); // 3
      await l.recordTrackingEvent(event('other', { occurredAt: new Date(T0).toISOString() }), '{}', NOW); // 4: another order's
      await l.recordTrackingEvent(event('elsewhere', { trackingNumber: 'XX9', occurredAt: new Date(T0 + 2 * HOUR).toISOString() }), '{}', NOW); // 5
      await l.markEventApplied(1, '1', 'scheduled customs', NOW);
      await l.markEventApplied(4, '2', 'scheduled customs', NOW);
      await l.markEventApplied(5, '1', 'recorded: no milestone', NOW);
    });
    const events = await pair.same((l) => l.eventsForOrder('1', 'RR1ES'));
    expect(events.map((e) => e.id)).toStrictEqual([2, 3, 5, 1]);
    expect(await pair.same((l) => l.firstEventAt('1', 'customs'))).toBe(T0 + 2 * HOUR);
    expect(await pair.same((l) => l.firstEventAt('2', 'customs'))).toBe(T0);
    expect(await pair.same((l) => l.firstEventAt('1', 'delivered'))).toBeNull();
    // A time left empty (an old ledger, a copy): SQLite sorts it first, and the list reads it as 0.
    await pair.exec(`UPDATE tracking_events SET occurred_at = NULL WHERE id = 5`);
    expect(await pair.same((l) => l.firstEventAt('1', 'customs'))).toBeNull();
    expect((await pair.same((l) => l.eventsForOrder('1', 'RR1ES'))).map((e) => e.id)).toStrictEqual([5, 2, 3, 1]);
  });

  it('finds the orders of a number, oldest entered first, and the events waiting for one', async () => {
    const rows = await pair.same((l) => l.ordersWithTrackingNumber('rr1es'));
    expect(rows.map((r) => r.orderId)).toStrictEqual(['2', '3', '1']);
    expect(rows[2]).toStrictEqual(orderRow(order('1'), { watchAt: T0 }));
    expect(await pair.same((l) => l.ordersWithTrackingNumber('nothing'))).toStrictEqual([]);

    // Ties in time come in (provider, dedup key) order on SQLite, not in id order.
    await pair.same(async (l) => {
      const at = new Date(T0 + HOUR).toISOString();
      await l.recordTrackingEvent(event('k1', { provider: 'trackingmore', occurredAt: at }), '{}', NOW); // 1
      await l.recordTrackingEvent(event('k2', { provider: 'aftership', occurredAt: at }), '{}', NOW); // 2
      await l.recordTrackingEvent(event('k1', { provider: 'aftership', occurredAt: new Date(T0).toISOString() }), '{}', NOW); // 3
      await l.recordTrackingEvent(event('k3', { provider: 'aftership', occurredAt: at }), '{}', NOW); // 4: applied
      for (const id of [1, 2, 3]) await l.markEventApplied(id, null, 'unmatched', NOW);
      await l.markEventApplied(4, '1', 'scheduled customs', NOW);
    });
    expect(await pair.same((l) => l.unmatchedEventIds('RR1ES'))).toStrictEqual([3, 2, 1]);
    expect(await pair.same((l) => l.unmatchedEventIds('rr1es'))).toStrictEqual([]);
  });

  it('lists events received by a time and never applied, oldest occurrence first, up to a limit', async () => {
    await pair.same(async (l) => {
      await l.recordTrackingEvent(event('a', { occurredAt: new Date(T0 + 2 * HOUR).toISOString() }), '{}', NOW); // 1
      await l.recordTrackingEvent(event('b', { occurredAt: new Date(T0 + HOUR).toISOString() }), '{}', NOW); // 2
      await l.recordTrackingEvent(event('c', { occurredAt: new Date(T0 + HOUR).toISOString() }), '{}', NOW); // 3
      await l.recordTrackingEvent(event('d', { occurredAt: new Date(T0).toISOString() }), '{}', NOW + HOUR); // 4: received later
      await l.recordTrackingEvent(event('e', { occurredAt: new Date(T0).toISOString() }), '{}', NOW); // 5: applied
      await l.markEventApplied(5, '1', 'scheduled customs', NOW);
    });
    expect(await pair.same((l) => l.unappliedEventIds(NOW, 10))).toStrictEqual([2, 3, 1]);
    expect(await pair.same((l) => l.unappliedEventIds(NOW, 2))).toStrictEqual([2, 3]);
    expect(await pair.same((l) => l.unappliedEventIds(NOW + HOUR, 10))).toStrictEqual([4, 2, 3, 1]);
    await pair.exec(`UPDATE tracking_events SET occurred_at = NULL WHERE id = 1`);
    expect(await pair.same((l) => l.unappliedEventIds(NOW, 10))).toStrictEqual([1, 2, 3]);
  });
});

describe('moving orders', () => {
  const rowOf = async (l: Ledger, orderId: string) => (await l.ordersWithTrackingNumber(`RR${orderId}ES`)).find((r) => r.orderId === orderId);

  beforeEach(async () => {
    await pair.insertOrders([order('1'), order('2'), order('3', { state: 'cancelled', watchAt: null })]);
  });

  it('advances the stage without moving the last update back, and asks the watch to look', async () => {
    await pair.same((l) => l.advanceOrderStage('1', 2, T0 + 5 * HOUR, NOW));
    expect(await pair.same((l) => rowOf(l, '1'))).toStrictEqual(orderRow(order('1'), { stageRank: 2, lastEventAt: T0 + 5 * HOUR, watchAt: NOW, updatedAt: NOW }));
    await pair.same((l) => l.advanceOrderStage('1', 3, T0 + HOUR, NOW + 1));
    expect(await pair.same((l) => rowOf(l, '1'))).toMatchObject({ stageRank: 3, lastEventAt: T0 + 5 * HOUR, watchAt: NOW + 1, updatedAt: NOW + 1 });
  });

  it('notes news only forward, and only for an active order', async () => {
    await pair.same((l) => l.noteOrderNews('1', T0 + 2 * HOUR, NOW));
    expect(await pair.same((l) => rowOf(l, '1'))).toMatchObject({ lastEventAt: T0 + 2 * HOUR, watchAt: NOW, updatedAt: NOW });
    await pair.same((l) => l.noteOrderNews('1', T0 + HOUR, NOW + 1));
    await pair.same((l) => l.noteOrderNews('1', T0 + 2 * HOUR, NOW + 1));
    expect(await pair.same((l) => rowOf(l, '1'))).toMatchObject({ lastEventAt: T0 + 2 * HOUR, updatedAt: NOW });
    await pair.same((l) => l.noteOrderNews('1', T0 + 3 * HOUR, NOW + 2));
    expect(await pair.same((l) => rowOf(l, '1'))).toMatchObject({ lastEventAt: T0 + 3 * HOUR, watchAt: NOW + 2, updatedAt: NOW + 2 });
    await pair.same((l) => l.noteOrderNews('3', T0 + 3 * HOUR, NOW + 2));
    expect(await pair.same((l) => rowOf(l, '3'))).toStrictEqual(orderRow(order('3', { state: 'cancelled', watchAt: null })));
  });

  it('finishes an order with its final state and stage, out of the watch', async () => {
    await pair.same((l) => l.finishOrder('2', 'delivered', 5, T0 + 9 * HOUR, NOW));
    expect(await pair.same((l) => rowOf(l, '2'))).toStrictEqual(
      orderRow(order('2'), { state: 'delivered', stateReason: 'delivered', stageRank: 5, lastEventAt: T0 + 9 * HOUR, watchAt: null, updatedAt: NOW }),
    );
    await pair.same((l) => l.finishOrder('1', 'returned', 6, T0 + 9 * HOUR, NOW));
    expect(await pair.same((l) => rowOf(l, '1'))).toMatchObject({ state: 'returned', stateReason: 'returned', stageRank: 6 });
  });
});
