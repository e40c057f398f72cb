import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { startAftership } from '../../helpers/providers/aftership.js';
import { startSeventeenTrack } from '../../helpers/providers/seventeen-track.js';
import type { StandIn } from '../../helpers/providers/stand-in.js';
import { startTrackingMore } from '../../helpers/providers/trackingmore.js';
import { cliEnv, parseJson, runCli } from '../cli/run-cli.js';

/** A CSV of `n` cainiao orders to Brazil; numbers LP<start+i>CN. */
function ordersCsv(dir: TempDir, n: number, start = 0): string {
  const rows = ['order_id,buyer_name,buyer_email,country,carrier,tracking_number'];
  for (let i = 0; i < n; i += 1) rows.push(`T-${start + i},Ana Souza,ana${start + i}@example.com,BR,cainiao,LP${String(100000000 + start + i)}CN`);
  const path = dir.file(`orders-${start}.csv`);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

describe('the tracking loop through the CLI: 17TRACK', () => {
  let dir: TempDir;
  let api: StandIn;
  let env: Record<string, string>;

  beforeEach(async () => {
    dir = tempDir();
    api = await startSeventeenTrack();
    env = cliEnv(dir, { POSTSHIP_TRACKING: '17track', SEVENTEENTRACK_API_KEY: api.key, SEVENTEENTRACK_API_URL: api.url, POSTSHIP_POLL_AFTER: 'PT6H' });
  });
  afterEach(async () => {
    await api.stop();
    dir.remove();
  });

  it('registers 100 imported parcels in batches of at most 40, once each, and says so in tracking status', async () => {
    expect((await runCli(['import', ordersCsv(dir, 100)], env)).code).toBe(0);
    const pending = parseJson(await runCli(['tracking', 'status', '--json'], env));
    expect(pending.counts).toEqual([expect.objectContaining({ provider: '17track', state: 'pending', count: 100 })]);

    const sync = await runCli(['tracking', 'sync', '--json'], env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(parseJson(sync).providers[0]).toMatchObject({ provider: '17track', registered: 100, rejected: 0 });
    const batches = api.calls('/register').map((r) => (r.body as unknown[]).length);
    expect(batches.every((n) => n <= 40)).toBe(true);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(100);
    // Cainiao's 17TRACK carrier key goes with each number.
    expect((api.calls('/register')[0].body as Array<{ carrier: number }>)[0].carrier).toBe(190271);
    expect(api.parcels.size).toBe(100);

    const after = parseJson(await runCli(['tracking', 'status', '--json'], env));
    expect(after.counts).toEqual([expect.objectContaining({ state: 'registered', count: 100 })]);
    // A second sync registers nothing again: the outbox is drained.
    await runCli(['tracking', 'sync'], env);
    expect(api.calls('/register').reduce((a, r) => a + (r.body as unknown[]).length, 0)).toBe(100);
  }, 60_000); // a dozen CLI processes, one after another

  it('counts "already registered" as success and keeps a rejected number out of retries, with the reason in status and at-risk', async () => {
    await runCli(['import', ordersCsv(dir, 3)], env);
    api.parcels.set('LP100000000CN', { number: 'LP100000000CN', id: 'x', carrier: 190271, scans: [], stopped: false, registration: {} });
    api.invalid.add('LP100000001CN');
    const sync = parseJson(await runCli(['tracking', 'sync', '--json'], env));
    expect(sync.providers[0]).toMatchObject({ registered: 2, rejected: 1 });

    const one = parseJson(await runCli(['tracking', 'status', 'T-1', '--json'], env));
    expect(one.registration).toMatchObject({ state: 'rejected', lastError: expect.stringContaining('-18019903') });
    const status = parseJson(await runCli(['status', 'T-1', '--json'], env));
    expect(status.tracking).toMatchObject({ feed: 'no feed', registration: { state: 'rejected' } });
    const atRisk = parseJson(await runCli(['at-risk', '--json'], env));
    expect(atRisk.tracking).toEqual([expect.objectContaining({ orderId: 'T-1', reason: 'rejected', detail: expect.stringContaining('-18019903') })]);

    await runCli(['tracking', 'sync'], env);
    const registerCalls = api.calls('/register').flatMap((r) => (r.body as Array<{ number: string }>).map((i) => i.number));
    expect(registerCalls.filter((n) => n === 'LP100000001CN')).toHaveLength(1);
  });

  it('waits out a 429 and a 503 and registers each parcel once after them', async () => {
    await runCli(['import', ordersCsv(dir, 5)], env);
    api.faults.push({ status: 429, body: { code: 429, data: { errors: [{ code: 429, message: 'Too many requests.' }] } }, headers: { 'retry-after': '1' } });
    const limited = await runCli(['tracking', 'sync', '--json'], env);
    expect(limited.code).toBe(1);
    expect(parseJson(limited).providers[0]).toMatchObject({ registered: 0, deferred: 5, paused: expect.stringContaining('429') });
    const waiting = parseJson(await runCli(['tracking', 'status', 'T-0', '--json'], env));
    expect(waiting.registration).toMatchObject({ state: 'pending', attempts: 1, lastError: expect.stringContaining('429') });

    api.faults.push({ status: 503, body: {} });
    expect(parseJson(await runCli(['tracking', 'sync', '--json'], env)).providers[0]).toMatchObject({ registered: 0, paused: expect.stringContaining('503') });
    const ok = parseJson(await runCli(['tracking', 'sync', '--json'], env));
    expect(ok.providers[0]).toMatchObject({ registered: 5 });
    expect(api.parcels.size).toBe(5);
    const accepted = api.calls('/register').slice(-1)[0].body as unknown[];
    expect(accepted).toHaveLength(5);
  });

  it('pauses registration when the quota is used up, says so, and resumes once it is restored', async () => {
    await runCli(['import', ordersCsv(dir, 4)], env);
    api.quota.left = 2;
    const short = parseJson(await runCli(['tracking', 'sync', '--json'], env));
    expect(short.providers[0]).toMatchObject({ registered: 2, paused: expect.stringMatching(/^quota: 17TRACK -18019908/) });
    const status = parseJson(await runCli(['tracking', 'status', '--json'], env));
    expect(status.paused['17track']).toMatchObject({ reason: expect.stringContaining('quota') });
    expect(status.counts).toEqual(expect.arrayContaining([expect.objectContaining({ state: 'pending', count: 2 }), expect.objectContaining({ state: 'registered', count: 2 })]));

    api.quota.left = null;
    const resumed = parseJson(await runCli(['tracking', 'sync', '--json'], env));
    expect(resumed.providers[0]).toMatchObject({ registered: 2, paused: null });
    expect(api.parcels.size).toBe(4);
  });

  it('corrects a carrier with 17TRACK (changecarrier) and on the order', async () => {
    await runCli(['import', ordersCsv(dir, 1)], env);
    await runCli(['tracking', 'sync'], env);
    const changed = await runCli(['tracking', 'carrier', 'T-0', 'yanwen'], env);
    expect(changed.code, changed.stderr).toBe(0);
    expect(api.calls('/changecarrier')[0].body).toEqual([{ number: 'LP100000000CN', carrier_old: 190271, carrier_new: 190012 }]);
    expect(parseJson(await runCli(['status', 'T-0', '--json'], env)).order.carrier).toBe('yanwen');
    expect((await runCli(['tracking', 'carrier', 'T-0', 'pigeon'], env)).code).toBe(2);
  });

  it('doctor reports the key and the quota left; a wrong key fails with the fix', async () => {
    api.quota.left = 77;
    const good = parseJson(await runCli(['doctor', '--json'], env));
    expect(good.checks).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'tracking 17track', result: 'ok', detail: expect.stringContaining('quota 77 of 10000 left') })]));
    const bad = parseJson(await runCli(['doctor', '--json'], { ...env, SEVENTEENTRACK_API_KEY: 'wrong' }));
    expect(bad.checks).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'tracking 17track', result: 'fail', fix: expect.stringContaining('SEVENTEENTRACK_API_KEY') })]));
  }, 120_000); // doctor renders every template of every locale, twice here

  it('refuses a provider without its key, or an unknown one, at start with the fix (exit 2)', async () => {
    const noKey = await runCli(['tracking', 'status'], { ...env, SEVENTEENTRACK_API_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('SEVENTEENTRACK_API_KEY: not set, but POSTSHIP_TRACKING=17track needs it');
    const unknown = await runCli(['tracking', 'status'], { ...env, POSTSHIP_TRACKING: 'parcelsapp' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('POSTSHIP_TRACKING: "parcelsapp" is not one of 17track, aftership, trackingmore, none');
    const badUrl = await runCli(['tracking', 'status'], { ...env, SEVENTEENTRACK_API_URL: 'ftp://x' });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('SEVENTEENTRACK_API_URL');
  });
});

describe('the tracking loop through the CLI: AfterShip and TrackingMore', () => {
  let dir: TempDir;
  afterEach(() => dir.remove());

  it('AfterShip: one tracking per call, the dated body with the buyer, 4003 as success, 4005 rejected', async () => {
    dir = tempDir();
    const api = await startAftership();
    try {
      const env = cliEnv(dir, { POSTSHIP_TRACKING: 'aftership', AFTERSHIP_API_KEY: api.key, AFTERSHIP_API_URL: api.url });
      await runCli(['import', ordersCsv(dir, 3)], env);
      api.parcels.set('LP100000000CN', { number: 'LP100000000CN', id: 'old', carrier: 'cainiao', scans: [], stopped: false, registration: {} });
      api.invalid.add('LP100000002CN');
      const sync = parseJson(await runCli(['tracking', 'sync', '--json'], env));
      expect(sync.providers[0]).toMatchObject({ provider: 'aftership', registered: 2, rejected: 1 });
      const created = api.calls('/trackings').filter((r) => r.method === 'POST');
      expect(created).toHaveLength(3);
      expect(created[1].body).toEqual({
        tracking_number: 'LP100000001CN', slug: 'cainiao', order_id: 'T-1', destination_country_region: 'BRA', language: 'pt',
        customers: [{ role: 'buyer', name: 'Ana Souza', email: 'ana1@example.com', language: 'pt' }],
      });
      const rejected = parseJson(await runCli(['tracking', 'status', 'T-2', '--json'], env));
      expect(rejected.registration).toMatchObject({ state: 'rejected', lastError: expect.stringContaining('4005') });
      expect(parseJson(await runCli(['tracking', 'status', 'T-1', '--json'], env)).registration.providerId).toBe(api.parcels.get('LP100000001CN')!.id);
    } finally {
      await api.stop();
    }
  });

  it('TrackingMore: batches of 40 with courier_code, 4101 as success, 4121 rejected, 429 waits 120 s unless forced', async () => {
    dir = tempDir();
    const api = await startTrackingMore();
    try {
      const env = cliEnv(dir, { POSTSHIP_TRACKING: 'trackingmore', TRACKINGMORE_API_KEY: api.key, TRACKINGMORE_API_URL: api.url });
      await runCli(['import', ordersCsv(dir, 45)], env);
      api.parcels.set('LP100000000CN', { number: 'LP100000000CN', id: 'old', carrier: 'cainiao', scans: [], stopped: false, registration: {} });
      api.invalid.add('LP100000044CN');
      api.faults.push({ status: 429, body: { meta: { code: 429, message: 'Exceeded API request limits, please try again later.' }, data: [] } });
      const limited = parseJson(await runCli(['tracking', 'sync', '--json'], env));
      expect(limited.providers[0].paused).toContain('429');
      const paused = parseJson(await runCli(['tracking', 'status', '--json'], env)).paused.trackingmore;
      // 120 s, as TrackingMore asks after a 429.
      expect(Date.parse(paused.until) - Date.now()).toBeGreaterThan(100_000);
      const sync = parseJson(await runCli(['tracking', 'sync', '--json'], env));
      expect(sync.providers[0]).toMatchObject({ provider: 'trackingmore', registered: 44, rejected: 1 });
      const batches = api.calls('/trackings/batch').slice(1).map((r) => r.body as Array<{ courier_code: string }>);
      expect(batches.map((b) => b.length)).toEqual([40, 5]);
      expect(batches[0][0].courier_code).toBe('cainiao');
    } finally {
      await api.stop();
    }
  });
});
