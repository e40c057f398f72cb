/**
 * postship past one machine: a web daemon and two worker daemons share one
 * PostgreSQL and one Redis, as separate processes. Orders come in through the
 * API, tracking through a signed webhook; every letter goes out once, and what
 * each process did is in the one ledger.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { freePort } from '../../../src/queue/ephemeral-redis.js';
import { genericPayload, signGeneric } from '../../fixtures/webhooks/payloads.js';
import { freshPostgresDatabase, queryPostgres } from '../../helpers/postgres.js';
import { redisUrl, tempDir, uniquePrefix, type TempDir } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { runCli, parseJson } from '../cli/run-cli.js';

const ADMIN = `Basic ${Buffer.from('admin:pw-of-12-chars').toString('base64')}`;

function spawnDaemon(role: string, env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'postship.js'), 'daemon', '--role', role], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c) => (text += c));
  child.stderr!.on('data', (c) => (text += c));
  return Object.assign(child, { output: () => text });
}

describe('a fleet on one PostgreSQL', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let env: Record<string, string>;
  let pgUrl: string;
  const daemons: ChildProcess[] = [];

  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
    pgUrl = await freshPostgresDatabase('fleet');
    const configPath = dir.file('config.json');
    writeFileSync(configPath, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' } } }));
    env = {
      POSTSHIP_DB: pgUrl, REDIS_URL: redisUrl(), SMTP_URL: smtp.url, POSTSHIP_CONFIG: configPath,
      POSTSHIP_QUEUE_PREFIX: uniquePrefix('fleet'), LOG_LEVEL: 'warn', POSTSHIP_PROMOTE_EVERY: 'PT0.5S',
      POSTSHIP_ADMIN_USER: 'admin', POSTSHIP_ADMIN_PASSWORD: 'pw-of-12-chars', POSTSHIP_WEBHOOK_SECRET: 'fleet-secret',
      POSTSHIP_UNSUBSCRIBE_SECRET: 'fleet-unsubscribe-secret-0123',
    };
  });
  afterEach(async () => {
    for (const d of daemons.splice(0)) d.kill('SIGKILL');
    await smtp.stop();
    dir.remove();
  });

  it('web takes orders and tracking, two workers send each letter once, all in one ledger', async () => {
    const webPort = await freePort();
    const web = spawnDaemon('web', { ...env, PORT: String(webPort) });
    const workers = [spawnDaemon('worker', { ...env, PORT: String(await freePort()) }), spawnDaemon('worker', { ...env, PORT: String(await freePort()) })];
    daemons.push(web, ...workers);
    const url = `http://127.0.0.1:${webPort}`;
    await expect.poll(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status, { timeout: 60_000 }).toBe(200);

    const token = parseJson(await runCli(['tokens', 'create', '--all-stores', '--name', 'fleet', '--json'], { PATH: process.env.PATH ?? '', ...env })).secret as string;
    const shippedAt = DateTime.utc().minus({ hours: 2 }).toISO();
    const orders = Array.from({ length: 40 }, (_, i) => ({
      orderId: `FL-${i}`, buyer: { name: `Buyer ${i}`, email: `fl${i}@example.com` }, country: ['US', 'DE', 'BR', 'ES'][i % 4],
      carrier: 'china-post', trackingNumber: `RR${String(100000000 + i)}CN`, shippedAt,
    }));
    const entered = await fetch(`${url}/api/v1/orders`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(orders),
    });
    expect(entered.status).toBe(201);

    // The shipped notices: one per order, whichever worker took it.
    await expect.poll(() => smtp.received.length, { timeout: 60_000, interval: 250 }).toBeGreaterThanOrEqual(40);

    // Customs for the first ten parcels, through the web daemon's signed webhook.
    for (let i = 0; i < 10; i++) {
      const body = JSON.stringify(genericPayload({ eventId: `fl-${i}-customs`, trackingNumber: orders[i].trackingNumber, carrier: 'china-post', status: 'customs', at: DateTime.utc().minus({ minutes: 5 }) }));
      const r = await fetch(`${url}/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json', ...signGeneric(body, 'fleet-secret') }, body });
      expect(r.status).toBeLessThan(300);
    }
    await expect.poll(async () => Number((await queryPostgres(pgUrl, "SELECT count(*) AS n FROM sends WHERE milestone = 'customs' AND status = 'sent'"))[0].n), { timeout: 60_000, interval: 250 }).toBe(10);

    const ids = smtp.received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length); // never twice
    expect(ids.length).toBe(50);
    const sent = await queryPostgres<{ milestone: string; n: string }>(pgUrl, "SELECT milestone, count(*) AS n FROM sends WHERE status = 'sent' GROUP BY milestone ORDER BY milestone");
    expect(sent.map((r) => [r.milestone, Number(r.n)])).toEqual([['customs', 10], ['shipped', 40]]);

    // The web daemon reads what the workers wrote: an order's timeline, the dashboard and the metrics.
    const status = await (await fetch(`${url}/api/v1/orders/FL-3`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(status.timeline.map((e: { milestone: string; status: string }) => `${e.milestone}:${e.status}`)).toEqual(expect.arrayContaining(['shipped:sent', 'customs:sent']));
    const admin = await fetch(`${url}/admin/order?q=FL-3`, { headers: { authorization: ADMIN } });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('FL-3');
    const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: ADMIN } })).text();
    expect(metrics).toMatch(/postship_sends\{milestone="shipped",status="sent",carrier="china-post",country="US"\} 10/);
  }, 180_000);

  it('a daemon whose PostgreSQL cannot be reached stops at start with one line naming it, password hidden', async () => {
    const port = await freePort();
    const dead = `postgres://postship:pw@127.0.0.1:${await freePort()}/nothing`;
    const daemon = spawnDaemon('web', { ...env, POSTSHIP_DB: dead, PORT: String(port) });
    daemons.push(daemon);
    const exit = await new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
    expect(exit).not.toBe(0);
    expect(daemon.output()).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:\d+ .*connection refused/);
    expect(daemon.output()).not.toContain(':pw@');
  }, 60_000);
});
