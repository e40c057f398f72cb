import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { freePort, startEphemeralRedis, type EphemeralRedis } from '../../../src/queue/ephemeral-redis.js';
import { silentLogger } from '../../../src/logger.js';
import { ONE_SHOT, Runtime } from '../../../src/runtime.js';
import { loadConfig } from '../../../src/config/config.js';
import { enterOrder } from '../../../src/services/orders.js';
import { tableRows } from '../../helpers/ledgers.js';
import { tempDir, uniquePrefix, type TempDir } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function spawnDaemon(env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'postship.js'), 'daemon'], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c) => (text += c));
  child.stderr!.on('data', (c) => (text += c));
  return Object.assign(child, { output: () => text });
}

const exitOf = (child: ChildProcess) =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

describe('postship daemon as a process', () => {
  let dir: TempDir;
  let redis: EphemeralRedis;
  let smtp: SmtpSink;
  let daemon: (ChildProcess & { output: () => string }) | null = null;
  let env: Record<string, string>;
  let url: string;

  beforeEach(async () => {
    dir = tempDir();
    redis = await startEphemeralRedis();
    // The server holds each message 1.5 s before accepting: sends are in flight when SIGTERM arrives.
    smtp = await startSmtpSink(0, {
      onData(stream, _session, cb) {
        stream.on('data', () => {});
        stream.on('end', () => setTimeout(() => cb(), 1500));
      },
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const configPath = dir.file('config.json');
    writeFileSync(configPath, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' } } }));
    env = {
      PORT: String(port), REDIS_URL: redis.url, SMTP_URL: smtp.url, POSTSHIP_DB: dir.file('postship.db'),
      POSTSHIP_CONFIG: configPath, POSTSHIP_QUEUE_PREFIX: uniquePrefix('daemon'), LOG_LEVEL: 'info',
      POSTSHIP_ADMIN_USER: 'admin', POSTSHIP_ADMIN_PASSWORD: 'pw-of-12-chars', POSTSHIP_PROMOTE_EVERY: 'PT0.5S',
    };
  });
  afterEach(async () => {
    daemon?.kill('SIGKILL');
    await redis.stop();
    await smtp.stop();
    dir.remove();
  });

  it('serves health, readiness across a Redis restart, metrics and the guarded dashboard', async () => {
    daemon = spawnDaemon(env);
    await expect.poll(async () => (await fetch(`${url}/healthz`).catch(() => null))?.status, { timeout: 20_000 }).toBe(200);
    // HTTP comes up before the worker has reconciled: /readyz says "worker: starting" until it has.
    await expect.poll(async () => (await fetch(`${url}/readyz`)).status, { timeout: 20_000 }).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(401); // business figures: behind the admin credentials
    expect(await (await fetch(`${url}/metrics`, { headers: { authorization: basic('admin', 'pw-of-12-chars') } })).text()).toMatch(/^postship_process_cpu_seconds_total/m);
    expect((await fetch(`${url}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${url}/admin/queues`, { headers: { authorization: basic('admin', 'pw-of-12-chars') } })).status).toBe(200);

    const port = redis.port;
    await redis.stop();
    await expect.poll(async () => (await fetch(`${url}/readyz`)).status, { timeout: 10_000 }).toBe(503);
    expect((await (await fetch(`${url}/readyz`)).json()).message).toMatch(/redis/);
    redis = await startEphemeralRedis({ port });
    await expect.poll(async () => (await fetch(`${url}/readyz`)).status, { timeout: 20_000 }).toBe(200);
  });

  it('a SIGTERM the moment the start line is out, while it is still starting, stops it cleanly with 0', async () => {
    daemon = spawnDaemon(env);
    await expect.poll(() => daemon!.output(), { timeout: 20_000 }).toMatch(/postship daemon: .* on port/);
    daemon.kill('SIGTERM');
    expect(await exitOf(daemon)).toBe(0);
    expect(daemon.output()).toMatch(/shutting down/);
  });

  it('on SIGTERM lets in-flight sends finish, records them and exits 0 within the deadline', async () => {
    const runtime = new Runtime(loadConfig(env), { ...ONE_SHOT, logger: silentLogger() });
    for (let i = 0; i < 5; i++) {
      await enterOrder(runtime.orderDeps(), {
        orderId: `G-${i}`, buyer: { name: 'G', email: `g${i}@example.com`, locale: 'en' }, country: 'US', carrier: 'ups', trackingNumber: `1ZG${i}`,
      });
    }
    daemon = spawnDaemon(env);
    // The daemon's promoter queues the due shipped notices; wait until sends are in flight.
    await expect.poll(async () => (await tableRows(runtime, 'sends')).filter((s) => s.status === 'sending').length, { timeout: 20_000 }).toBeGreaterThan(0);
    const started = Date.now();
    daemon.kill('SIGTERM');
    expect(await exitOf(daemon)).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const rows = (await tableRows(runtime, 'sends')).filter((s) => s.milestone === 'shipped');
    // Nothing is left half-done: every claimed send finished and was recorded before exit.
    expect(rows.filter((s) => s.status === 'sending')).toHaveLength(0);
    expect(rows.filter((s) => s.status === 'sent').length).toBeGreaterThan(0);
    expect(daemon.output()).toMatch(/shutting down/);
    await runtime.close();
  });
});
