import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/domain/clock.js';
import { scheduleUpkeep } from '../../../jobs/worker.js';
import { enterOrder } from '../../../src/services/orders.js';
import { applyStoredEvent } from '../../../src/services/tracking.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';

import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

const ALWAYS_OPEN = { defaults: { sendWindow: { start: '00:00', end: '24:00' } } };
const SHIPPED = '2026-03-02T09:00:00Z';

describe('timeline milestones through the real worker and SMTP', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline;
  let clock: FixedClock;

  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
    const configPath = dir.file('config.json');
    writeFileSync(configPath, JSON.stringify(ALWAYS_OPEN));
    clock = new FixedClock(SHIPPED);
    pipeline = testPipeline(testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: configPath }), clock);
  });
  afterEach(async () => {
    await pipeline.close();
    await smtp.stop();
    dir.remove();
  });

  async function enter(id: string) {
    await enterOrder(pipeline.runtime.orderDeps(), {
      orderId: id, buyer: { name: 'Ana Souza', email: `${id.toLowerCase()}@example.com`, locale: 'en' }, country: 'US',
      carrier: 'china-post', trackingNumber: `LX${id.replace(/\W/g, '')}CN`, shippedAt: SHIPPED,
    });
  }
  const mailsTo = (id: string) => smtp.received.filter((m) => m.to.includes(`${id.toLowerCase()}@example.com`));
  const statusOf = async (id: string, milestone: string, seq = 0) =>
    (await pipeline.runtime.ledger.sendsOfOrder(id)).find((s) => s.milestone === milestone && s.seq === seq)?.status;

  it('the hourly watch job schedules a delay notice and the worker sends it with a new window', async () => {
    await enter('W-1');
    // A provider tracks it (a feed): its silence is news worth an apology.
    (await pipeline.runtime.ledger.insertRegistrations([{ orderId: 'W-1', provider: '17track', trackingNumber: 'LXW1CN', carrier: 'china-post' }], clock.now().toMillis()));
    (await pipeline.runtime.ledger.markRegistered('W-1', {}, clock.now().toMillis(), 6 * 3600_000));
    await pipeline.startWorker();
    clock.set('2026-03-17T15:00:00Z'); // 11 silent business days
    const queue = await pipeline.runtime.sendQueue();
    await queue.add('watch', {} as never); // as scheduleUpkeep adds it
    await expect.poll(() => statusOf('W-1', 'delay'), { timeout: 15_000 }).toBe('sent');
    const mail = mailsTo('W-1').find((m) => m.messageId?.startsWith('<delay.'));
    // Silent within the window (not past it): the subject says so, not "taking longer than usual".
    expect(mail?.subject).toBe('No news yet about your order W-1: what we know');
    const parsed = await mail!.parse();
    expect(parsed.text).toContain('has not been updated for 11 business days');
    expect(parsed.text).toMatch(/New expected delivery: March 2[34].*2026/);
    expect(parsed.text).toContain('before opening a dispute');
  });

  it('the worker registers the watch as an hourly job scheduler', async () => {
    await scheduleUpkeep(await pipeline.runtime.jobDeps());
    const schedulers = await (await pipeline.runtime.sendQueue()).getJobSchedulers();
    expect(schedulers.find((s) => s.key === 'watch')).toMatchObject({ name: 'watch', every: 3_600_000 });
  });

  it('sends the 3-day pickup reminder, and none once delivered', async () => {
    await enter('W-2');
    await pipeline.startWorker();
    const deps = pipeline.runtime.orderDeps();
    clock.set('2026-03-20T15:00:00Z');
    const stored = await pipeline.runtime.ledger.recordTrackingEvent({
      provider: 'generic', dedupKey: 'w2-pickup', trackingNumber: 'LXW2CN', carrier: null,
      providerStatus: 'available_for_pickup', outcome: 'pickup', occurredAt: '2026-03-20T15:00:00Z',
    }, '{}', clock.now().toMillis());
    expect(stored.stored && await applyStoredEvent(deps, stored.id)).toBe('scheduled post_office + 2 pickup reminder(s)');
    clock.set('2026-03-23T15:00:00Z');
    await pipeline.runtime.promote();
    await expect.poll(() => statusOf('W-2', 'pickup_reminder'), { timeout: 15_000 }).toBe('sent');
    const mail = mailsTo('W-2').find((m) => m.subject?.includes('collect'));
    expect(mail?.subject).toBe('Your parcel LXW2CN is waiting for you to collect it');
    // USPS holds a notice-left parcel 15 days (src/domain/data/pickup-holds.ts): from 20 March.
    expect((await mail!.parse()).text).toContain('please collect it by April 4, 2026');

    const delivered = await pipeline.runtime.ledger.recordTrackingEvent({
      provider: 'generic', dedupKey: 'w2-delivered', trackingNumber: 'LXW2CN', carrier: null,
      providerStatus: 'delivered', outcome: 'delivered', occurredAt: '2026-03-24T15:00:00Z',
    }, '{}', clock.now().toMillis());
    expect(delivered.stored && await applyStoredEvent(deps, delivered.id)).toBe('order delivered');
    clock.set('2026-03-27T16:00:00Z');
    await pipeline.runtime.promote();
    expect(await statusOf('W-2', 'pickup_reminder', 1)).toBe('cancelled');
    expect(mailsTo('W-2').filter((m) => m.subject?.includes('Last reminder'))).toHaveLength(0);
  });
});
