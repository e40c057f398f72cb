import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { freePort } from '../../../src/queue/ephemeral-redis.js';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { startSeventeenTrack, trackInfo } from '../../helpers/providers/seventeen-track.js';
import type { StandIn } from '../../helpers/providers/stand-in.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { cliEnv, parseJson, runCli } from '../cli/run-cli.js';

function spawnDaemon(env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'postship.js'), 'daemon'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (c) => (text += c));
  child.stderr!.on('data', (c) => (text += c));
  return Object.assign(child, { output: () => text });
}

const exitOf = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

/**
 * The whole loop against a running daemon, with no webhook configured but a
 * 17TRACK key: poll-only mode (POSTSHIP_POLL_AFTER=PT0S) as on a laptop behind NAT.
 */
describe('the tracking loop in a running daemon (17TRACK stand-in)', () => {
  let dir: TempDir;
  let api: StandIn;
  let smtp: SmtpSink;
  let env: Record<string, string>;
  let metricsUrl: string;
  let url: string;
  let daemon: (ChildProcess & { output: () => string }) | null = null;

  beforeEach(async () => {
    dir = tempDir();
    api = await startSeventeenTrack();
    smtp = await startSmtpSink();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    writeFileSync(dir.file('config.json'), JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' } } }));
    env = cliEnv(dir, {
      PORT: String(port),
      POSTSHIP_METRICS_PORT: String(metricsPort), // metrics on an ops port of their own, not the public one
      SMTP_URL: smtp.url,
      POSTSHIP_CONFIG: dir.file('config.json'),
      POSTSHIP_TRACKING: '17track',
      SEVENTEENTRACK_API_KEY: api.key,
      SEVENTEENTRACK_API_URL: api.url,
      POSTSHIP_POLL_AFTER: 'PT0S',
      POSTSHIP_PROMOTE_EVERY: 'PT0.5S',
      POSTSHIP_CLAIM_LEASE: 'PT20S',
      LOG_LEVEL: 'info',
    });
  });
  afterEach(async () => {
    daemon?.kill('SIGKILL');
    if (daemon) await exitOf(daemon);
    daemon = null;
    await api.stop();
    await smtp.stop();
    dir.remove();
  });

  const mailsOf = (milestone: string) => smtp.received.filter((m) => m.messageId?.startsWith(`<${milestone}.`));
  const timeline = async (orderId: string) => parseJson(await runCli(['status', orderId, '--json'], env));

  async function enqueue(orderId: string, tracking: string) {
    const result = await runCli(['enqueue', '--order-id', orderId, '--email', `${orderId.toLowerCase()}@example.com`, '--name', 'Lucía García', '--country', 'ES', '--carrier', 'china-post', '--tracking', tracking], env);
    expect(result.code, result.stderr).toBe(0);
  }

  it('registers, polls a customs scan into one customs email, applies a pushed copy of it once, and stops tracking on delivery', async () => {
    daemon = spawnDaemon(env);
    await expect.poll(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status, { timeout: 20_000 }).toBe(200);
    await enqueue('TL-1', 'RR123456785CN');
    await expect.poll(() => api.parcels.has('RR123456785CN'), { timeout: 15_000 }).toBe(true);
    expect((api.calls('/register')[0].body as Array<{ carrier: number }>)[0]).toMatchObject({ number: 'RR123456785CN', carrier: 3011 });
    await expect.poll(async () => (await timeline('TL-1')).tracking.feed, { timeout: 10_000 }).toBe('registered');

    const scanAt = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, '+00:00');
    api.scan('RR123456785CN', { time: scanAt, status: 'InTransit_CustomsProcessing', location: 'MADRID, ES' });
    await expect.poll(() => mailsOf('customs').length, { timeout: 20_000 }).toBe(1);
    const status = await timeline('TL-1');
    expect(status.tracking.feed).toBe('tracking');
    expect(status.trackingEvents).toEqual([expect.objectContaining({ provider: '17track', milestone: 'customs' })]);

    // The same scan pushed by 17TRACK's webhook: stored once (a duplicate), no second email.
    const body = JSON.stringify({ event: 'TRACKING_UPDATED', data: { number: 'RR123456785CN', carrier: 3011, param: null, tag: null, track_info: trackInfo(api.parcels.get('RR123456785CN')!) } });
    const sign = createHash('sha256').update(`${body}/${api.key}`).digest('hex');
    const push = await fetch(`${url}/webhooks/17track`, { method: 'POST', headers: { 'content-type': 'application/json', sign }, body });
    expect(push.status).toBe(200);
    expect((await push.json()).status).toBe('duplicate');

    // Delivered: the order is finished and 17TRACK is told to stop (no more quota spent on it).
    api.scan('RR123456785CN', { time: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'), status: 'Delivered_Other', location: 'MADRID, ES' });
    await expect.poll(async () => (await timeline('TL-1')).order.state, { timeout: 20_000 }).toBe('delivered');
    await expect.poll(() => api.calls('/stoptrack').flatMap((r) => (r.body as Array<{ number: string }>).map((i) => i.number)), { timeout: 20_000 }).toContain('RR123456785CN');
    await expect.poll(async () => parseJson(await runCli(['tracking', 'status', 'TL-1', '--json'], env)).registration.state, { timeout: 10_000 }).toBe('stopped');
    expect(mailsOf('customs')).toHaveLength(1);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    const metrics = await (await fetch(`${metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/postship_tracking_events_total\{source="poll"\} [1-9]/);
    expect(metrics).toMatch(/postship_tracking_registration_outcomes_total\{provider="17track",outcome="registered"\} 1/);
    expect(metrics).toMatch(/postship_tracking_registrations\{provider="17track",state="stopped"\} 1/);
  });

  it('loses nothing and registers nothing twice when the daemon is killed mid-registration', async () => {
    api.delay.ms = 2500;
    daemon = spawnDaemon(env);
    await expect.poll(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status, { timeout: 20_000 }).toBe(200);
    const orders = Array.from({ length: 5 }, (_, i) => ({
      orderId: `K-${i}`, buyer: { name: 'Kim', email: `k${i}@example.com` }, country: 'ES', carrier: 'china-post', trackingNumber: `RR00000000${i}CN`,
    }));
    writeFileSync(dir.file('orders.json'), JSON.stringify(orders));
    expect((await runCli(['enqueue', '--json', dir.file('orders.json')], env)).code).toBe(0);
    await expect.poll(() => api.calls('/register').length, { timeout: 15_000 }).toBeGreaterThan(0);
    daemon.kill('SIGKILL'); // while 17TRACK is still answering
    await exitOf(daemon);
    api.delay.ms = 0;
    daemon = spawnDaemon(env);
    // The killed sync's claim ends after its lease (20 s here); then the rows are registered again.
    await expect.poll(async () => parseJson(await runCli(['tracking', 'status', '--json'], env)).counts, { timeout: 45_000, interval: 1000 }).toEqual([
      expect.objectContaining({ provider: '17track', state: 'registered', count: 5 }),
    ]);
    // 17TRACK holds each number once: the repeat was answered "already registered" (-18019901).
    expect(api.parcels.size).toBe(5);
    const sent = api.calls('/register').flatMap((r) => (r.body as Array<{ number: string }>).map((i) => i.number));
    for (const o of orders) expect(sent.filter((n) => n === o.trackingNumber).length).toBeLessThanOrEqual(2);
  }, 90_000);
});
