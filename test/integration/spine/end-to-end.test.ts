import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scheduleUpkeep } from '../../../jobs/worker.js';
import { enterOrder } from '../../../src/services/orders.js';
import { applyStoredEvent } from '../../../src/services/tracking.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { tableRows } from '../../helpers/ledgers.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

const COUNTRIES = ['US', 'ES', 'BR', 'RU', 'FR', 'DE', 'PL', 'AU'];
const CARRIERS = ['china-post', 'epacket', 'cainiao', 'yanwen', '4px', 'dhl'];

describe('end to end through real Redis and a real SMTP server', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline;

  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
    const configPath = alwaysOpenConfig(dir, { delays: { day1: 'PT1S', day14: 'PT2S' } });
    pipeline = testPipeline(
      testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: configPath, POSTSHIP_PROMOTE_EVERY: 'PT0.3S', POSTSHIP_HORIZON: 'PT0.5S' }),
    );
  });
  afterEach(async () => {
    await pipeline.close();
    await smtp.stop();
    dir.remove();
  });

  it('delivers every due message exactly once and records each send', async () => {
    const { runtime } = pipeline;
    await pipeline.startWorker({ concurrency: 10 });
    // The horizon is half a second, so day1/day14 wait in SQLite until the periodic promoter moves them.
    await scheduleUpkeep(await runtime.jobDeps());
    const ids = Array.from({ length: 40 }, (_, i) => `E2E-${i}`);
    for (const [i, orderId] of ids.entries()) {
      await enterOrder(runtime.orderDeps(), {
        orderId, buyer: { name: `Buyer ${i}`, email: `buyer${i}@example.com` },
        country: COUNTRIES[i % COUNTRIES.length], carrier: CARRIERS[i % CARRIERS.length], trackingNumber: `TN${i}X`,
      });
    }
    await runtime.promote();
    // Every other parcel reaches customs: one more message each.
    for (let i = 0; i < ids.length; i += 2) {
      const stored = await runtime.ledger.recordTrackingEvent({
        provider: 'test', dedupKey: `c${i}`, trackingNumber: `TN${i}X`, carrier: null, providerStatus: 'customs',
        outcome: 'customs', occurredAt: DateTime.utc().toISO(),
      }, '{}', Date.now());
      if (stored.stored) await applyStoredEvent(runtime.orderDeps(), stored.id);
    }
    await runtime.promote();

    const rows = async () => await tableRows(runtime, 'sends');
    await expect
      .poll(async () => (await rows()).filter((r) => ['scheduled', 'queued', 'sending'].includes(r.status)).length, { timeout: 20_000 })
      .toBe(0);
    const all = await rows();
    const sent = all.filter((r) => r.status === 'sent');
    // customs supersedes day1 only when customs went out first; either way nothing is lost.
    expect(all.every((r) => r.status === 'sent' || (r.status === 'skipped' && r.reason === 'superseded'))).toBe(true);
    expect(all).toHaveLength(40 * 3 + 20);
    expect(sent.length).toBeGreaterThanOrEqual(40 * 2 + 20);
    expect(smtp.received).toHaveLength(sent.length);
    const receivedIds = smtp.received.map((m) => m.messageId);
    expect(new Set(receivedIds).size).toBe(receivedIds.length);
    expect(new Set(receivedIds)).toEqual(new Set(sent.map((r) => r.messageId)));
  });
});
