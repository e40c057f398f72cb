import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/domain/clock.js';
import { DEFAULT_PROFILE } from '../../../src/domain/profile.js';
import { silentLogger } from '../../../src/logger.js';
import { cancelOrder, enterOrder, type OrderServiceDeps } from '../../../src/services/orders.js';
import { syncTracking, type TrackingSyncDeps } from '../../../src/services/tracking-sync.js';
import { closeDb, openDb, type Db } from '../../../src/store/db.js';
import type { OpenLedger } from '../../../src/store/ledger-api.js';
import { sqliteLedger } from '../../../src/store/sqlite-ledger.js';
import { getOrder, sendsOfOrder } from '../../../src/store/ledger.js';
import { registrationOf } from '../../../src/store/registrations.js';
import type { TrackingProviderName } from '../../../src/store/schema.js';
import { aftershipProvider } from '../../../src/tracking/aftership.js';
import { seventeenTrackProvider } from '../../../src/tracking/seventeen-track.js';
import { trackingMoreProvider } from '../../../src/tracking/trackingmore.js';
import type { TrackingProvider } from '../../../src/tracking/provider.js';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { startAftership } from '../../helpers/providers/aftership.js';
import { startSeventeenTrack } from '../../helpers/providers/seventeen-track.js';
import { startTrackingMore } from '../../helpers/providers/trackingmore.js';

const SHIPPED = '2026-11-20T08:00:00Z';

/** The sync on a real SQLite ledger with a fixed clock, against one provider's stand-in. */
describe('polling and stopping through each provider', () => {
  let dir: TempDir;
  let db: Db;
  let ledger: OpenLedger;
  let clock: FixedClock;
  let stop: (() => Promise<void>) | null = null;

  beforeEach(() => {
    dir = tempDir();
    db = openDb(dir.file('ledger.db'));
    ledger = sqliteLedger(db);
    clock = new FixedClock('2026-11-21T08:00:00Z');
  });
  afterEach(async () => {
    await stop?.();
    closeDb(db);
    dir.remove();
  });

  function deps(name: TrackingProviderName, provider: TrackingProvider): TrackingSyncDeps {
    return {
      ledger, clock, profiles: () => DEFAULT_PROFILE,
      tracking: { providerFor: () => name, pollAfterMs: 0 },
      providers: new Map([[name, provider]]), pollAfterMs: 0, logger: silentLogger(),
    };
  }
  const enter = (d: OrderServiceDeps, orderId: string, trackingNumber: string) =>
    enterOrder(d, { orderId, buyer: { name: 'Lucía', email: `${orderId.toLowerCase()}@example.com` }, country: 'ES', carrier: 'china-post', trackingNumber, shippedAt: SHIPPED });

  it('AfterShip: a polled customs checkpoint schedules customs once; a cancelled order is marked completed', async () => {
    const api = await startAftership();
    stop = () => api.stop();
    const d = deps('aftership', aftershipProvider({ apiKey: api.key, apiUrl: api.url }));
    await enter(d, 'A-1', 'RR000000011CN');
    await enter(d, 'A-2', 'RR000000012CN');
    await syncTracking(d);
    expect(api.parcels.size).toBe(2);
    api.scan('RR000000011CN', { time: '2026-11-21T05:00:00+01:00', status: 'InTransit_006', location: 'Madrid' });
    clock.set('2026-11-21T09:00:00Z');
    const polled = await syncTracking(d);
    expect(polled.providers[0]).toMatchObject({ polled: 2, events: 1 });
    expect(polled.scheduled).toBe(1);
    expect(sendsOfOrder(db, 'A-1').filter((s) => s.milestone === 'customs')).toHaveLength(1);
    // Polled again: the same checkpoint is a duplicate, nothing new.
    clock.set('2026-11-21T10:00:00Z');
    expect((await syncTracking(d)).providers[0]).toMatchObject({ polled: 2, events: 0 });

    await cancelOrder(d, 'A-2', 'refund');
    expect(registrationOf(db, 'A-2')?.state).toBe('stopping');
    const stopped = await syncTracking(d);
    expect(stopped.providers[0].stopped).toBe(1);
    expect(api.completed).toEqual(['RR000000012CN:LOST']);
    expect(registrationOf(db, 'A-2')?.state).toBe('stopped');
  });

  it('TrackingMore: a polled delivery finishes the order and deletes the tracking', async () => {
    const api = await startTrackingMore();
    stop = () => api.stop();
    const d = deps('trackingmore', trackingMoreProvider({ apiKey: api.key, apiUrl: api.url }));
    await enter(d, 'M-1', 'RR000000021CN');
    await syncTracking(d);
    expect(registrationOf(db, 'M-1')).toMatchObject({ state: 'registered', providerId: api.parcels.get('RR000000021CN')!.id });
    api.scan('RR000000021CN', { time: '2026-11-21T07:00:00+00:00', status: 'transit005' });
    api.scan('RR000000021CN', { time: '2026-11-21T08:30:00+00:00', status: 'delivered001' });
    clock.set('2026-11-21T09:00:00Z');
    await syncTracking(d);
    expect(getOrder(db, 'M-1')?.state).toBe('delivered');
    await syncTracking(d);
    expect(api.deleted).toEqual(['RR000000021CN']);
    expect(registrationOf(db, 'M-1')?.state).toBe('stopped');
  });

  it('17TRACK: an order cancelled before registration is never registered; the detected carrier is kept', async () => {
    const api = await startSeventeenTrack();
    stop = () => api.stop();
    const d = deps('17track', seventeenTrackProvider({ apiKey: api.key, apiUrl: api.url }));
    await enter(d, 'S-1', 'RR000000031CN');
    await enter(d, 'S-2', 'UNKNOWNCARRIER1');
    await cancelOrder(d, 'S-1', 'refund');
    expect(registrationOf(db, 'S-1')?.state).toBe('stopped');
    // 17TRACK answers with the carrier it used: cainiao's key for the second number.
    api.parcels.clear();
    await syncTracking(d);
    expect(api.calls('/register').flatMap((r) => (r.body as Array<{ number: string }>).map((i) => i.number))).toEqual(['UNKNOWNCARRIER1']);
    expect(registrationOf(db, 'S-2')).toMatchObject({ state: 'registered', detectedCarrier: null });
    api.parcels.get('UNKNOWNCARRIER1')!.carrier = 190271;
    clock.set('2026-11-21T09:00:00Z');
    await syncTracking(d);
    expect(registrationOf(db, 'S-2')?.detectedCarrier).toBe('cainiao');
  });

  it('17TRACK: the daemon\'s sync sees the quota come back (getquota) and resumes registration before the pause ends', async () => {
    const api = await startSeventeenTrack();
    stop = () => api.stop();
    const d = deps('17track', seventeenTrackProvider({ apiKey: api.key, apiUrl: api.url }));
    for (let i = 0; i < 3; i++) await enter(d, `Q-${i}`, `RR00000004${i}CN`);
    api.quota.left = 1;
    const first = await syncTracking(d);
    expect(first.providers[0]).toMatchObject({ registered: 1, paused: expect.stringMatching(/^quota/) });
    // Quota topped up; a new process (a fresh client) asks getquota on its first tick.
    api.quota.left = null;
    const seen: number[] = [];
    const d2 = { ...deps('17track', seventeenTrackProvider({ apiKey: api.key, apiUrl: api.url })), observe: { registration() {}, poll() {}, events() {}, stopped() {}, quota: (_p: string, left: number) => seen.push(left) } };
    const second = await syncTracking(d2);
    expect(seen).toEqual([10_000]);
    expect(second.providers[0]).toMatchObject({ registered: 2, paused: null });
    expect(api.parcels.size).toBe(3);
  });
});
