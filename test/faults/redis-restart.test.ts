import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, startEphemeralRedis, type EphemeralRedis } from '../../src/queue/ephemeral-redis.js';
import { sends } from '../../src/store/schema.js';
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
    const port = await freePort();
    redis = await startEphemeralRedis({ port });
    // day1 a few seconds after shipping: those jobs sit delayed in Redis when it restarts.
    fault = faultEnv(smtp, { REDIS_URL: redis.url }, '', { delays: { day1: 'PT8S' } });
  });
  afterEach(async () => {
    daemon?.kill('SIGKILL');
    await fault.close();
    await redis.stop();
    await smtp.stop();
  });

  const rows = () => fault.runtime.db.select().from(sends).all().filter((r) => r.milestone === 'shipped' || r.milestone === 'day1');

  it('re-creates its schedules and lost jobs within one promote interval; every due message is sent once', async () => {
    daemon = spawnCli(['daemon', '--role', 'worker', '--port', '0'], { ...fault.env, POSTSHIP_PROMOTE_EVERY: 'PT1S' });
    const before = 100;
    enterDueOrders(fault, before, 'B');
    // Every shipped notice out and every day1 promoted into a delayed job: the state Redis loses.
    await expect
      .poll(() => { const r = rows(); return r.filter((x) => x.milestone === 'shipped' && x.status === 'sent').length + r.filter((x) => x.milestone === 'day1' && x.status === 'queued').length; }, { timeout: 30_000, interval: 100 })
      .toBe(2 * before);
    expect(await (await fault.runtime.sendQueue()).getJobScheduler('promote')).toBeTruthy();

    // Restart: same port, empty data.
    const port = redis.port;
    await redis.stop();
    redis = await startEphemeralRedis({ port });
    const after = 50;
    enterDueOrders(fault, after, 'A'); // new orders: only the (re-created) promoter moves them

    const total = before + after;
    await expect.poll(() => rows().filter((r) => r.status === 'sent').length, { timeout: 60_000, interval: 200 }).toBe(2 * total);
    const all = rows();
    expect(all.filter((r) => r.status !== 'sent')).toEqual([]);
    const ids = smtp.received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(2 * total);
    expect(ids.length).toBe(2 * total); // once each
    expect(output(daemon)).toMatch(/upkeep schedules are gone from Redis/);
    expect(await (await fault.runtime.sendQueue()).getJobScheduler('promote')).toBeTruthy();
    console.log(`redis-restart: ${2 * total} due, ${all.length} sent, 0 lost, ${ids.length - new Set(ids).size} duplicates after a Redis restart without persistence`);
  });
});
