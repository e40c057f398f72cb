import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/domain/clock.js';
import { DEFAULT_PROFILE, type Profile } from '../../../src/domain/profile.js';
import type { NormalizedEvent } from '../../../src/domain/tracking-status.js';
import { decideSend, enterOrder, setDispute, type OrderServiceDeps } from '../../../src/services/orders.js';
import { applyStoredEvent } from '../../../src/services/tracking.js';
import { recordTrackingEvent } from '../../../src/store/tracking.js';
import { watchDelays } from '../../../src/services/watch.js';
import { closeDb, openDb, type Db } from '../../../src/store/db.js';
import { sqliteLedger } from '../../../src/store/sqlite-ledger.js';
import { getOrder, sendsOfOrder, type SendRow } from '../../../src/store/ledger.js';
import { insertRegistrations, markRegistered } from '../../../src/store/registrations.js';
import { tempDir, type TempDir } from '../../helpers/env.js';

// Monday 2 March 2026, 10:00 Madrid.
const SHIPPED = '2026-03-02T09:00:00Z';

describe('timeline rules on a real ledger (fixed clock)', () => {
  let dir: TempDir;
  let db: Db;
  let clock: FixedClock;
  let profile: Profile;
  let deps: OrderServiceDeps;
  let n = 0;

  beforeEach(() => {
    dir = tempDir();
    db = openDb(dir.file('ledger.db'));
    clock = new FixedClock(SHIPPED);
    profile = DEFAULT_PROFILE;
    deps = { ledger: sqliteLedger(db), clock, profiles: () => profile };
  });
  afterEach(() => {
    closeDb(db);
    dir.remove();
  });

  async function enter(id: string) {
    await enterOrder(deps, {
      orderId: id, buyer: { name: 'Ana', email: `${id.toLowerCase()}@example.com`, locale: 'es' }, country: 'ES',
      carrier: 'china-post', trackingNumber: `LX${id.replace(/\W/g, '')}CN`, shippedAt: SHIPPED,
    });
  }

  async function event(id: string, outcome: NormalizedEvent['outcome'], at: string): Promise<string> {
    clock.set(at);
    n += 1;
    const stored = recordTrackingEvent(db, {
      provider: 'generic', dedupKey: `e${n}`, trackingNumber: `LX${id.replace(/\W/g, '')}CN`, carrier: null,
      providerStatus: String(outcome), outcome, occurredAt: at,
    }, '{}', clock.now().toMillis());
    if (!stored.stored) throw new Error('duplicate');
    return await applyStoredEvent(deps, stored.id);
  }

  /** A tracking provider confirmed the parcel: it has a feed, so its silence means something. */
  function registered(id: string) {
    insertRegistrations(db, [{ orderId: id, provider: '17track', trackingNumber: `LX${id.replace(/\W/g, '')}CN`, carrier: 'china-post' }], clock.now().toMillis());
    markRegistered(db, id, {}, clock.now().toMillis(), 6 * 3600_000);
  }

  const rows = (id: string, milestone: string): SendRow[] => sendsOfOrder(db, id).filter((s) => s.milestone === milestone);
  const decision = (row: SendRow) => decideSend(deps, row, getOrder(db, row.orderId)!, clock.now());
  const local = (ms: number) => DateTime.fromMillis(ms, { zone: 'Europe/Madrid' }).toFormat('yyyy-MM-dd HH:mm');

  it('schedules a delay notice after 10 silent business days, once', async () => {
    await enter('D-1');
    registered('D-1');
    clock.set('2026-03-13T12:00:00Z');
    expect((await watchDelays(deps)).scheduled).toBe(0);
    clock.set('2026-03-16T08:00:00Z');
    expect(await watchDelays(deps)).toMatchObject({ scheduled: 1, notices: [{ orderId: 'D-1', seq: 0 }] });
    expect((await watchDelays(deps)).scheduled).toBe(0);
    expect(rows('D-1', 'delay').map((r) => [r.seq, r.status, local(r.dueAt)])).toEqual([[0, 'scheduled', '2026-03-16 09:00']]);
  });

  it('a delay notice never follows delivery: none scheduled after it, a pending one cancelled by it', async () => {
    await enter('D-2');
    await enter('D-3');
    await event('D-2', 'delivered', '2026-03-12T10:00:00Z');
    clock.set('2026-04-30T08:00:00Z');
    await watchDelays(deps);
    expect(rows('D-2', 'delay')).toEqual([]);
    expect(rows('D-3', 'delay')).toHaveLength(1);
    await event('D-3', 'delivered', '2026-04-30T08:30:00Z');
    expect(rows('D-3', 'delay')[0]).toMatchObject({ status: 'cancelled', reason: 'delivered' });
  });

  it('a parcel without a tracking feed gets no "no update" notice, only the past-the-window one', async () => {
    await enter('N-1');
    clock.set('2026-03-16T08:00:00Z'); // 10 silent business days: a feed would make a notice due
    expect((await watchDelays(deps)).scheduled).toBe(0);
    // China Post to Spain: the window ends within 30 business days; past it, the overdue notice goes.
    clock.set('2026-05-04T08:00:00Z');
    expect(await watchDelays(deps)).toMatchObject({ scheduled: 1, notices: [{ orderId: 'N-1', seq: 0, why: expect.stringContaining('past the expected window') }] });
    clock.set('2026-07-01T08:00:00Z');
    expect((await watchDelays(deps)).scheduled).toBe(0);
  });

  it('a second delay notice only after a further long silence; news in between restarts it', async () => {
    await enter('D-4');
    registered('D-4');
    clock.set('2026-03-16T08:00:00Z');
    await watchDelays(deps);
    await event('D-4', 'exception', '2026-03-25T08:00:00Z'); // any tracking update ends the silence
    clock.set('2026-04-13T08:00:00Z');
    expect((await watchDelays(deps)).scheduled).toBe(0);
    clock.set('2026-04-22T08:00:00Z'); // 20 business days after the 25 March update
    expect(await watchDelays(deps)).toMatchObject({ scheduled: 1, notices: [{ seq: 1 }] });
    clock.set('2026-07-01T08:00:00Z');
    expect((await watchDelays(deps)).scheduled).toBe(0);
    expect(rows('D-4', 'delay').map((r) => r.seq)).toEqual([0, 1]);
  });

  it('pickup reminders 3 and 7 days after "available for pickup", cancelled by delivery', async () => {
    await enter('P-1');
    // Friday 20 March, 11:00 Madrid.
    expect(await event('P-1', 'pickup', '2026-03-20T10:00:00Z')).toBe('scheduled post_office + 2 pickup reminder(s)');
    expect(rows('P-1', 'post_office')).toHaveLength(1);
    expect(rows('P-1', 'pickup_reminder').map((r) => [r.seq, r.status, local(r.dueAt)])).toEqual([
      [0, 'scheduled', '2026-03-23 11:00'],
      [1, 'scheduled', '2026-03-27 11:00'],
    ]);
    // Replayed history schedules nothing twice.
    await event('P-1', 'pickup', '2026-03-20T10:00:00Z');
    expect(rows('P-1', 'pickup_reminder')).toHaveLength(2);
    await event('P-1', 'delivered', '2026-03-24T09:00:00Z');
    expect(rows('P-1', 'pickup_reminder').map((r) => [r.status, r.reason])).toEqual([
      ['cancelled', 'delivered'],
      ['cancelled', 'delivered'],
    ]);
  });

  it('a pickup notice after out-for-delivery (failed delivery) still schedules the reminders', async () => {
    await enter('P-2');
    await event('P-2', 'post_office', '2026-03-19T08:00:00Z');
    expect(await event('P-2', 'pickup', '2026-03-19T16:00:00Z')).toBe('scheduled 2 pickup reminder(s)');
    expect(rows('P-2', 'pickup_reminder')).toHaveLength(2);
  });

  it('a review request never goes to a returned parcel', async () => {
    await enter('R-1');
    await event('R-1', 'returned', '2026-03-10T08:00:00Z');
    const day14 = rows('R-1', 'day14')[0];
    expect(day14).toMatchObject({ status: 'cancelled', reason: 'returned' });
    clock.set(DateTime.fromMillis(day14.dueAt));
    expect(await decision(day14)).toEqual({ kind: 'skip', reason: 'returned' });
  });

  it('day14 is held during a dispute and released when it closes', async () => {
    await enter('X-1');
    clock.set('2026-03-10T08:00:00Z');
    await setDispute(deps, 'X-1', true);
    const day14 = rows('X-1', 'day14')[0];
    clock.set(DateTime.fromMillis(day14.dueAt));
    expect(await decision(day14)).toMatchObject({ kind: 'reschedule', hold: 'dispute' });
    clock.set('2026-03-20T12:00:00Z');
    expect(await setDispute(deps, 'X-1', false)).toEqual({ orderId: 'X-1', open: false, released: 1 });
    const released = rows('X-1', 'day14')[0];
    // Released at the planned time (16 March 10:00) has passed: it goes now, at 20 March 13:00 Madrid.
    expect(local(released.dueAt)).toBe('2026-03-20 13:00');
    expect(await decision(released)).toEqual({ kind: 'send' });
  });

  it('day14 waits reviewAfterDelivery after a known delivery', async () => {
    await enter('V-1');
    await event('V-1', 'delivered', '2026-03-15T11:00:00Z'); // Sunday 12:00 Madrid
    const day14 = rows('V-1', 'day14')[0];
    clock.set(DateTime.fromMillis(day14.dueAt));
    const held = await decision(day14);
    expect(held).toMatchObject({ kind: 'reschedule', hold: 'after_delivery' });
    expect(held.kind === 'reschedule' && local(held.at.toMillis())).toBe('2026-03-18 12:00');
  });
});
