import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, startEphemeralRedis, type EphemeralRedis } from '../../src/queue/ephemeral-redis.js';
import { tableRows } from '../helpers/ledgers.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { enterDueOrders, faultEnv, output, spawnCli, type FaultEnv } from './harness.js';

/**
 * Redis restarted without persistence under a running daemon: the upkeep
 * schedulers and every queued job vanish with the data. The daemon must
 * notice by itself (no manual reconcile, no restart) and send every due
 * message once.
 */
describe('fault: Redis restarted without persistence under a running daemon', () => {
  let smtp: SmtpSink;
  let fault: FaultEnv;
  let redis: EphemeralRedis;
  let daemon: ChildProcess | null = null;
  beforeEach(async () => {
    smtp = await startSmtpSink();
    redis = await startEphemeralRedis({ port: await freePort() });
    fault = faultEnv(smtp, { REDIS_URL: redis.url });
  });
  afterEach(async () => {
    daemon?.kill('SIGKILL');
    await smtp.start().catch(() => undefined); // stopped by the test: started again so it can be stopped cleanly
    await fault.close();
    await redis.stop();
    await smtp.stop();
  });

  const shipped = async () => (await tableRows(fault.runtime, 'sends')).filter((r) => r.milestone === 'shipped');

  it('re-creates its schedules and lost jobs within one promote interval; every due message is sent once', async () => {
    daemon = spawnCli(['daemon', '--role', 'worker', '--port', '0'], { ...fault.env, POSTSHIP_PROMOTE_EVERY: 'PT1S' });
    await expect.poll(async () => Boolean(await (await fault.runtime.sendQueue()).getJobScheduler('promote')), { timeout: 20_000 }).toBe(true);
    // SMTP down: every send fails once and waits in Redis as a delayed retry. That is what the restart loses.
    await smtp.stop();
    const before = 100;
    await enterDueOrders(fault, before, 'B');
    await expect
      .poll(async () => (await shipped()).filter((r) => r.status === 'queued' && r.attempts >= 1).length, { timeout: 30_000, interval: 100 })
      .toBe(before);

    // Restart: same port, empty data.
    const port = redis.port;
    await redis.stop();
    redis = await startEphemeralRedis({ port });
    const restarted = Date.now();
    const after = 50;
    await enterDueOrders(fault, after, 'A'); // new orders: only the (re-created) promoter moves them
    await smtp.start();

    const total = before + after;
    await expect.poll(async () => (await shipped()).filter((r) => r.status === 'sent').length, { timeout: 60_000, interval: 200 }).toBe(total);
    const recoveredMs = Date.now() - restarted;
    // A 1 s promote interval: the check, the re-created schedules, reconcile and promotion fit in a few seconds.
    expect(recoveredMs).toBeLessThan(20_000);
    const ids = smtp.received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(total);
    expect(ids.length).toBe(total); // once each
    expect(output(daemon)).toMatch(/upkeep schedules are gone from Redis/);
    expect(await (await fault.runtime.sendQueue()).getJobScheduler('promote')).toBeTruthy();
    console.log(`redis-restart: ${total} due, ${(await shipped()).length} sent, 0 lost, ${ids.length - new Set(ids).size} duplicates after a Redis restart without persistence (all sent ${recoveredMs} ms after it)`);
  });
});
