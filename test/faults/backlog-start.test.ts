import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { freePort } from '../../src/queue/ephemeral-redis.js';
import { redisUrl, tempDir, uniquePrefix, type TempDir } from '../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { parseJson, runCli } from '../integration/cli/run-cli.js';

const ORDERS = 100_000;

/**
 * A large seller's first start: 100,000 orders imported while Redis was away,
 * every shipped notice due. The daemon must answer /healthz at once, say on
 * /readyz what it waits for, and start sending while it reconciles and
 * promotes the backlog (it used to serve nothing for minutes).
 */
describe('daemon start on a ledger with 100,000 due sends', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let daemon: ChildProcess | null = null;

  beforeEach(async () => {
    dir = tempDir('postship-backlog-');
    smtp = await startSmtpSink();
  });
  afterEach(async () => {
    daemon?.kill('SIGKILL');
    await smtp.stop();
    dir.remove();
  });

  it('answers /healthz within seconds and sends its first message while the backlog is still being queued', async () => {
    const rows = ['order_id,buyer_name,buyer_email,country,carrier,tracking_number'];
    for (let i = 0; i < ORDERS; i++) rows.push(`BL-${i},Buyer ${i},b${i}@example.com,${['US', 'ES', 'BR', 'DE'][i % 4]},china-post,RR${String(i).padStart(9, '0')}CN`);
    writeFileSync(dir.file('orders.csv'), `${rows.join('\n')}\n`);
    writeFileSync(dir.file('config.json'), JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' } } }));
    const env = {
      PATH: process.env.PATH ?? '',
      POSTSHIP_DB: dir.file('postship.db'),
      POSTSHIP_CONFIG: dir.file('config.json'),
      POSTSHIP_QUEUE_PREFIX: uniquePrefix('backlog'),
      LOG_LEVEL: 'warn',
    };
    // Redis away during the import: every due send waits in the ledger as scheduled.
    const imported = await runCli(['import', dir.file('orders.csv'), '--json'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(imported.code, imported.stderr).toBe(1);
    expect(imported.stderr).toContain('saved in the database but not queued');

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    daemon = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'postship.js'), 'daemon'], {
      env: { ...process.env, ...env, REDIS_URL: redisUrl(), SMTP_URL: smtp.url, PORT: String(port), POSTSHIP_PROMOTE_EVERY: 'PT1S' },
      stdio: 'ignore',
    });
    await expect.poll(async () => (await fetch(`${url}/healthz`).catch(() => null))?.status, { timeout: 10_000, interval: 100 }).toBe(200);
    const healthzAfter = Date.now() - started;
    await expect.poll(() => smtp.received.length, { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);
    const firstMessageAfter = Date.now() - started;
    // Generous bounds (a loaded CI machine): what matters is seconds, not the minutes it used to take.
    expect(healthzAfter).toBeLessThan(5_000);
    expect(firstMessageAfter).toBeLessThan(30_000);
    await expect.poll(async () => (await fetch(`${url}/readyz`)).status, { timeout: 120_000, interval: 500 }).toBe(200);
    const list = parseJson(await runCli(['list', '--status', 'scheduled', '--milestone', 'shipped', '--limit', '1', '--json'], { ...env, REDIS_URL: redisUrl() }));
    expect(list.total).toBe(0); // every due shipped notice left the ledger's scheduled state (day1/day14 wait there, as designed)
    console.log(`backlog start: /healthz after ${healthzAfter} ms, first message after ${firstMessageAfter} ms`);
  }, 240_000);
});
