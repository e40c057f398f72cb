import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { silentLogger } from '../../../src/logger.js';
import { startEphemeralRedis, type EphemeralRedis } from '../../../src/queue/ephemeral-redis.js';
import { enterOrder } from '../../../src/services/orders.js';
import { unsubscribeUrl } from '../../../src/domain/unsubscribe.js';
import { tableRows } from '../../helpers/ledgers.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';

const ADMIN = { POSTSHIP_ADMIN_USER: 'seller', POSTSHIP_ADMIN_PASSWORD: 's3cret:with:colons' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the daemon (worker + web in one process)', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let redis: EphemeralRedis;
  let daemon: RunningDaemon;

  beforeAll(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
    // A Redis of its own: the readiness test stops and restarts it.
    redis = await startEphemeralRedis();
    const configPath = dir.file('config.json');
    writeFileSync(configPath, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' } } }));
    const config = testConfig(dir, { REDIS_URL: redis.url, SMTP_URL: smtp.url, POSTSHIP_CONFIG: configPath, POSTSHIP_WEBHOOK_SECRET: 'whsec' });
    daemon = await startDaemon(config, { roles: ['worker', 'web'], port: 0, logger: silentLogger(), env: { ...ADMIN, POSTSHIP_WEBHOOK_SECRET: 'whsec' } });
  });
  afterAll(async () => {
    await daemon?.stop();
    await redis.stop();
    await smtp.stop();
    dir.remove();
  });

  it('answers healthz and readyz, and readyz names Redis while it is down', async () => {
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${daemon.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok', database: 'ok' } });

    const port = redis.port;
    await redis.stop();
    await expect.poll(async () => (await fetch(`${daemon.url}/readyz`)).status, { timeout: 10_000 }).toBe(503);
    const down = await (await fetch(`${daemon.url}/readyz`)).json();
    expect(down.message).toMatch(/redis/);
    expect(down.checks.database).toBe('ok');
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);

    redis = await startEphemeralRedis({ port });
    await expect.poll(async () => (await fetch(`${daemon.url}/readyz`)).status, { timeout: 15_000 }).toBe(200);
  });

  it('exposes Prometheus metrics that move after sends and webhook calls', async () => {
    const scrape = async () => (await fetch(`${daemon.url}/metrics`, { headers: { authorization: basic(ADMIN.POSTSHIP_ADMIN_USER, ADMIN.POSTSHIP_ADMIN_PASSWORD) } })).text();
    const before = await scrape();
    expect(before).toMatch(/^# TYPE postship_sends gauge$/m);
    await enterOrder(daemon.runtime.orderDeps(), {
      orderId: 'M-1', buyer: { name: 'Mia', email: 'mia@example.com', locale: 'en' }, country: 'DE', carrier: 'dhl', trackingNumber: '123456',
    });
    await daemon.runtime.promote();
    await expect.poll(() => smtp.received.length, { timeout: 10_000 }).toBe(1);
    // The sink has the message before the worker hears its 250 and records it; the ledger's
    // count runs on a thread of its own (src/store/ledger-stats.ts), so a scrape may serve the last one.
    await expect.poll(scrape, { timeout: 10_000, interval: 200 }).toMatch(/postship_sends\{milestone="shipped",status="sent",carrier="dhl",country="DE"\} 1/);
    const after = await scrape();
    expect(after).toMatch(/postship_send_outcomes_total\{milestone="shipped",outcome="sent"\} 1/);
    expect(after).toMatch(/postship_send_due_lag_seconds_count\{milestone="shipped"\} 1/);
    expect(after).toMatch(/postship_send_duration_seconds_count\{milestone="shipped"\} 1/);

    const unsigned = await fetch(`${daemon.url}/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unsigned.status).toBe(401);
    await expect.poll(scrape).toMatch(/postship_webhook_requests_total\{provider="generic",outcome="unauthorized"\} 1/);
    // Made-up provider names share one label, so nobody outside can grow the series.
    for (const name of ['nope', 'nope2']) {
      expect((await fetch(`${daemon.url}/webhooks/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    }
    await expect.poll(scrape).toMatch(/postship_webhook_requests_total\{provider="unknown",outcome="not_found"\} 2/);
    expect(await scrape()).not.toMatch(/provider="nope/);
  });

  it('puts the queue dashboard behind basic auth', async () => {
    expect((await fetch(`${daemon.url}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${daemon.url}/admin/queues`, { headers: { authorization: basic('seller', 'wrong') } })).status).toBe(401);
    const ok = await fetch(`${daemon.url}/admin/queues`, { headers: { authorization: basic(ADMIN.POSTSHIP_ADMIN_USER, ADMIN.POSTSHIP_ADMIN_PASSWORD) } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/<html/i);
  });

  it('unsubscribes from review requests on POST only; GET shows a page and changes nothing', async () => {
    const deps = await daemon.runtime.jobDeps();
    const link = unsubscribeUrl(daemon.url, deps.unsubscribe.secret, 'Ana@Example.com');
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('ana@example.com');
    expect(await tableRows(daemon.runtime, 'suppressions')).toHaveLength(0);

    const tampered = link.replace(/t=[^&]+/, 't=AAAA');
    expect((await fetch(tampered, { method: 'POST' })).status).toBe(400);
    const post = await fetch(link, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);
    expect(await tableRows(daemon.runtime, 'suppressions')).toEqual([expect.objectContaining({ email: 'ana@example.com', scope: 'review' })]);
  });
});

describe('the admin pages without credentials', () => {
  it('are off and say why', async () => {
    const dir = tempDir();
    const daemon = await startDaemon(testConfig(dir), { roles: ['web'], port: 0, logger: silentLogger(), env: {} });
    try {
      const res = await fetch(`${daemon.url}/admin/queues`);
      expect(res.status).toBe(503);
      expect((await res.json()).message).toMatch(/POSTSHIP_ADMIN_USER and POSTSHIP_ADMIN_PASSWORD/);
    } finally {
      await daemon.stop();
      dir.remove();
    }
  });
});
