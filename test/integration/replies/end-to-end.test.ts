import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/domain/clock.js';
import { closeDispute, openDispute } from '../../../src/services/disputes.js';
import { recordFeedback } from '../../../src/services/feedback.js';
import { enterOrder } from '../../../src/services/orders.js';
import { applyStoredEvent } from '../../../src/services/tracking.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { startSendWorker } from '../../../jobs/worker.js';
import type { Ledger } from '../../../src/store/ledger-api.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

// Monday 2 March 2026, 04:00 in New York.
const SHIPPED = '2026-03-02T09:00:00Z';
const CONFIG = {
  defaults: { sendWindow: { start: '00:00', end: '24:00' } },
  stores: { acme: { name: 'Acme', url: 'https://acme.example/store', nextOrder: { code: 'AGAIN10', percent: 10, validDays: 30 } } },
};

describe('dispute reply and feedback thanks through the real worker and SMTP server', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline;
  let clock: FixedClock;
  let racingWorker: Awaited<ReturnType<typeof startSendWorker>> | null = null;

  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
    writeFileSync(dir.file('config.json'), JSON.stringify(CONFIG));
    clock = new FixedClock(SHIPPED);
    pipeline = testPipeline(testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: dir.file('config.json') }), clock);
  });
  afterEach(async () => {
    await pipeline.close();
    await racingWorker?.close();
    racingWorker = null;
    await smtp.stop();
    dir.remove();
  });

  const send = async (milestone: string) => (await pipeline.runtime.ledger.sendsOfOrder('E2E-1')).find((s) => s.milestone === milestone && s.resendOf === null);
  const mails = (subject: RegExp) => smtp.received.filter((m) => subject.test(m.subject ?? ''));
  async function scan(id: string, status: string, outcome: 'customs' | null, at: string, location: string) {
    const raw = JSON.stringify({ event_id: id, tracking_number: 'LX900000001CN', status, occurred_at: at, location });
    const stored = await pipeline.runtime.ledger.recordTrackingEvent({
      provider: 'generic', dedupKey: id, trackingNumber: 'LX900000001CN', carrier: null, providerStatus: status, outcome, occurredAt: new Date(at).toISOString(),
    }, raw, clock.now().toMillis());
    return stored.stored ? await applyStoredEvent(pipeline.runtime.orderDeps(), stored.id) : 'duplicate';
  }

  /** Order E2E-1, shipped by Acme to New York; the deps its services take. */
  async function enterTheOrder() {
    const deps = { ...pipeline.runtime.orderDeps(), file: pipeline.runtime.config.file };
    await enterOrder(deps, {
      orderId: 'E2E-1', store: 'acme', country: 'US', carrier: 'china-post', trackingNumber: 'LX900000001CN', shippedAt: SHIPPED,
      buyer: { name: 'Ana Souza', email: 'ana@example.com', locale: 'en', timezone: 'America/New_York' },
    });
    return deps;
  }

  it('enqueue → scans → dispute not_received → one reply listing them → close → held review goes out → rating 5 → one thanks', async () => {
    const runtime = pipeline.runtime;
    const deps = await enterTheOrder();
    await pipeline.startWorker();
    await runtime.promote();
    await expect.poll(async () => (await send('shipped'))?.status, { timeout: 15_000 }).toBe('sent');

    clock.set('2026-03-10T15:00:00Z');
    expect(await scan('e2e-a', 'in_transit', null, '2026-03-05T10:00:00+08:00', 'Shenzhen, CN')).not.toBe('duplicate');
    expect(await scan('e2e-b', 'customs', 'customs', '2026-03-09T04:30:00Z', 'New York JFK')).toContain('customs');

    const opened = await openDispute(deps, 'E2E-1', 'not_received');
    expect(opened.reply).not.toBeNull();
    await runtime.promote();
    await expect.poll(async () => (await send('dispute_reply'))?.status, { timeout: 15_000 }).toBe('sent');
    const replies = mails(/where your parcel is now/);
    expect(replies).toHaveLength(1);
    const text = (await replies[0]!.parse()).text!;
    // Newest last, dates in the buyer's zone: 02:00 UTC on 5 March is 4 March in New York.
    expect(text).toContain('- March 4, 2026, Shenzhen, CN: on its way\n- March 9, 2026, New York JFK: at customs');
    expect(text).toContain('Where it is now, according to the latest scan: at customs (New York JFK).');
    expect(text).toContain('We kindly ask you to cancel the dispute');
    expect(text).toMatch(/Shipping to United States usually takes \d+–\d+ business days/);

    // The review request comes due while the dispute is open: held, not sent.
    clock.set('2026-03-17T10:00:00Z');
    await runtime.promote();
    await expect.poll(async () => (await send('day14'))?.dueAt, { timeout: 15_000 }).toBeGreaterThan(clock.now().toMillis());
    expect((await send('day14'))!.status).toBe('scheduled');
    expect(mails(/Thank you for your patience with order/)).toHaveLength(0);

    expect((await closeDispute(deps, 'E2E-1')).released).toBe(1);
    // The daemon's upkeep ticks (promote, reconcile) until it goes.
    const tick = async () => {
      await runtime.promote();
      await runtime.reconcile();
      return (await send('day14'))?.status;
    };
    await expect.poll(tick, { timeout: 15_000, interval: 500 }).toBe('sent');
    // After a closed dispute the review request is the day14 variant that says no word of disputes.
    const review = mails(/Thank you for your patience with order/);
    expect(review).toHaveLength(1);
    expect((await review[0].parse()).text).not.toMatch(/dispute/i);

    clock.set('2026-03-24T16:00:00Z');
    expect((await recordFeedback(deps, { orderId: 'E2E-1', rating: 5, comment: 'Lovely', source: 'cli' })).outcome).toBe('thanks_scheduled');
    await runtime.promote();
    await expect.poll(async () => (await send('feedback_thanks'))?.status, { timeout: 15_000 }).toBe('sent');
    expect((await recordFeedback(deps, { orderId: 'E2E-1', rating: 5, source: 'cli' })).outcome).toBe('already_thanked');
    const thanks = mails(/Thank you for your feedback/);
    expect(thanks).toHaveLength(1);
    const thanksText = (await thanks[0]!.parse()).text!;
    expect(thanksText).toContain('Thank you for your kind words about your order E2E-1');
    expect(thanksText).toContain('your next order gets 10% off with the code AGAIN10, valid until April 23, 2026.');
    expect(thanksText).toContain('https://acme.example/store');
    expect(mails(/where your parcel is now/)).toHaveLength(1);
  });

  it('a dispute closed while the worker decides to hold the review: the close wins, and the review goes out', async () => {
    const runtime = pipeline.runtime;
    const deps = await enterTheOrder();
    await openDispute(deps, 'E2E-1', 'not_received', { reply: false });
    clock.set('2026-03-17T10:00:00Z');
    const day14 = (await send('day14'))!;
    // The close lands between the worker's reads (still in dispute) and its write of the hold.
    let released: number | null = null;
    const jobDeps = await runtime.jobDeps();
    const ledger = new Proxy(jobDeps.ledger, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (key === 'reschedule') {
          return async (...args: Parameters<Ledger['reschedule']>) => {
            if (args[0] === day14.id && released === null) released = (await closeDispute(deps, 'E2E-1')).released;
            return target.reschedule(...args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    racingWorker = startSendWorker({ ...jobDeps, ledger }, { connection: await runtime.redis(), concurrency: 1 });
    await runtime.promote();
    await expect.poll(async () => (await send('day14'))?.status, { timeout: 15_000 }).toBe('sent');
    expect(released).toBe(1);
    expect(mails(/Thank you for your patience with order/)).toHaveLength(1);
  });
});
