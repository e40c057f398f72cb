import { afterEach, describe, expect, it } from 'vitest';
import { enterOrder } from '../../../src/services/orders.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { tableRows } from '../../helpers/ledgers.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

describe('pacing: per-domain rates, the daily cap, a throttling domain', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline;
  afterEach(async () => {
    await pipeline?.close();
    await smtp?.stop();
    dir?.remove();
  });

  async function start(env: Record<string, string>, sinkOptions: Parameters<typeof startSmtpSink>[1] = {}) {
    dir = tempDir();
    smtp = await startSmtpSink(0, sinkOptions);
    pipeline = testPipeline(testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: alwaysOpenConfig(dir), ...env }));
    await pipeline.startWorker({ concurrency: 10 });
    return pipeline.runtime;
  }
  const enter = (id: string, email: string) =>
    enterOrder(pipeline.runtime.orderDeps(), { orderId: id, buyer: { name: 'B', email, locale: 'en' }, country: 'US', carrier: 'cainiao', trackingNumber: `LP${id.replace(/\W/g, '')}` });
  const shippedOf = async (id: string) => (await pipeline.runtime.ledger.sendsOfOrder(id)).find((s) => s.milestone === 'shipped')!;
  /** The shipped letters of `prefix-0` … `prefix-(n-1)`, in order. */
  const shippedOfEach = (prefix: string, n: number) => Promise.all(Array.from({ length: n }, (_, i) => shippedOf(`${prefix}-${i}`)));
  const deferrals = async () => (await tableRows(pipeline.runtime, 'mailEvents')).filter((e) => e.kind === 'deferred');

  it('holds back a domain over its rate, delivers every message in the end, and leaves other domains alone', async () => {
    const runtime = await start({ POSTSHIP_DOMAIN_RATES: 'slow.example=1/s' });
    for (let i = 0; i < 6; i++) await enter(`S-${i}`, `s${i}@slow.example`);
    for (let i = 0; i < 6; i++) await enter(`F-${i}`, `f${i}@fast.example`);
    await runtime.promote();
    await expect.poll(() => smtp.received.length, { timeout: 15_000 }).toBe(12);
    // The server accepts before the worker records: wait for the ledger to say sent.
    const statuses = async () => [...(await shippedOfEach('S', 6)), ...(await shippedOfEach('F', 6))].map((r) => r.status);
    await expect.poll(statuses, { timeout: 5_000 }).toEqual(Array(12).fill('sent'));
    // The first of slow.example went at once (its burst of 1), the others waited for their slots (a job that
    // a loaded machine starts more than a second after the previous one finds its slot free: hence at least 3 of 5).
    const held = await deferrals();
    expect(held.length).toBeGreaterThanOrEqual(3);
    expect(held.length).toBeLessThanOrEqual(5);
    expect(new Set(held.map((d) => d.recipientDomain))).toEqual(new Set(['slow.example']));
    expect(held.every((d) => d.source === 'pacing' && d.detail === 'rate limit for slow.example')).toBe(true);
  });

  it('a store over its daily cap: the rest wait for tomorrow (still scheduled, recorded as deferred), none dropped or skipped', async () => {
    const runtime = await start({ POSTSHIP_DAILY_CAP: '2' });
    for (let i = 0; i < 4; i++) await enter(`C-${i}`, `c${i}@example.net`);
    await runtime.promote();
    await expect.poll(async () => (await deferrals()).length, { timeout: 15_000 }).toBe(2);
    await expect.poll(() => smtp.received.length, { timeout: 15_000 }).toBe(2);
    // The server accepts before the worker records: wait for the ledger.
    await expect.poll(async () => (await shippedOfEach('C', 4)).filter((r) => r.status === 'sent').length, { timeout: 5_000 }).toBe(2);
    const rows = await shippedOfEach('C', 4);
    const waiting = rows.filter((r) => r.status !== 'sent');
    const tomorrow = (Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000;
    expect(waiting.map((r) => r.status)).toEqual(['scheduled', 'scheduled']);
    expect(waiting.every((r) => r.dueAt >= tomorrow && r.dueAt < tomorrow + 3_600_000)).toBe(true);
    expect((await deferrals()).every((d) => d.detail === 'store default reached its daily cap (POSTSHIP_DAILY_CAP)')).toBe(true);
    expect(smtp.received).toHaveLength(2);
  });

  it("a store's own cap (stores.<id>.dailyCap) instead of POSTSHIP_DAILY_CAP: only that store waits", async () => {
    dir = tempDir();
    smtp = await startSmtpSink(0);
    const config = alwaysOpenConfig(dir, {}, { stores: { capped: { dailyCap: 1 }, open: {} } });
    pipeline = testPipeline(testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: config, POSTSHIP_DAILY_CAP: '100' }));
    await pipeline.startWorker({ concurrency: 10 });
    for (let i = 0; i < 3; i++) {
      for (const store of ['capped', 'open']) {
        await enterOrder(pipeline.runtime.orderDeps(), { orderId: `${store}-${i}`, store, buyer: { name: 'B', email: `${store}${i}@example.net`, locale: 'en' }, country: 'US', carrier: 'cainiao', trackingNumber: `LP${store}${i}` });
      }
    }
    await pipeline.runtime.promote();
    await expect.poll(() => smtp.received.length, { timeout: 15_000 }).toBe(4);
    await expect.poll(async () => (await deferrals()).length, { timeout: 15_000 }).toBe(2);
    // The server accepts before the worker records: wait for the ledger.
    await expect.poll(async () => (await shippedOfEach('open', 3)).map((r) => r.status), { timeout: 5_000 }).toEqual(['sent', 'sent', 'sent']);
    await expect.poll(async () => (await shippedOfEach('capped', 3)).map((r) => r.status).sort(), { timeout: 5_000 }).toEqual(['scheduled', 'scheduled', 'sent']);
    expect((await deferrals()).every((d) => d.detail === 'store capped reached its daily cap (stores.capped.dailyCap)')).toBe(true);
  });

  it('a 421 from one domain slows that domain only: its messages go later, the other domain does not wait', async () => {
    const refused = new Set<string>();
    const runtime = await start({ POSTSHIP_THROTTLE_PAUSE: 'PT0.5S' }, {
      // throttled.example answers 421 the first time it sees each address, as a greylisting or rate-limiting MX does.
      onRcptTo(address, _session, cb) {
        if (address.address.endsWith('@throttled.example') && !refused.has(address.address)) {
          refused.add(address.address);
          return cb(Object.assign(new Error('4.7.0 Try again later, closing connection'), { responseCode: 421 }));
        }
        cb();
      },
    });
    for (let i = 0; i < 3; i++) await enter(`T-${i}`, `t${i}@throttled.example`);
    for (let i = 0; i < 3; i++) await enter(`O-${i}`, `o${i}@other.example`);
    await runtime.promote();
    await expect.poll(() => smtp.received.length, { timeout: 20_000 }).toBe(6);
    expect((await shippedOfEach('T', 3)).map((r) => r.attempts)).toEqual([2, 2, 2]);
    expect((await shippedOfEach('O', 3)).map((r) => r.attempts)).toEqual([1, 1, 1]);
    const smtpDeferrals = (await deferrals()).filter((d) => d.source === 'smtp');
    expect(smtpDeferrals.map((d) => d.recipientDomain)).toEqual(['throttled.example', 'throttled.example', 'throttled.example']);
    const redis = await runtime.redis();
    const prefix = runtime.config.queuePrefix;
    expect(Number(await redis.get(`${prefix}:pace:slow:throttled.example`))).toBeGreaterThan(0);
    expect(await redis.get(`${prefix}:pace:slow:other.example`)).toBeNull();
  });
});
