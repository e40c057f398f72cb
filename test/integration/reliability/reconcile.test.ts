import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enterOrder } from '../../../src/services/orders.js';
import { tableRows, updateRows } from '../../helpers/ledgers.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

describe('reconcile', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline;

  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
    const configPath = alwaysOpenConfig(dir, { delays: { day1: 'PT1S' } });
    pipeline = testPipeline(
      testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: configPath, POSTSHIP_CLAIM_LEASE: 'PT1S' }),
    );
  });
  afterEach(async () => {
    await pipeline.close();
    await smtp.stop();
    dir.remove();
  });

  it('re-creates jobs lost from Redis, never duplicating one that exists', async () => {
    const { runtime } = pipeline;
    for (let i = 0; i < 20; i++) {
      await enterOrder(runtime.orderDeps(), {
        orderId: `R-${i}`, buyer: { name: 'Kim', email: `r${i}@example.com` }, country: 'KR', carrier: 'ups', trackingNumber: `1Z${i}`,
      });
    }
    expect(await runtime.promote()).toBe(40); // shipped now + day1 in a second: both within the horizon
    const queue = await runtime.sendQueue();
    // Lose half the jobs, as after a Redis restart without persistence.
    const jobs = await queue.getJobs(['delayed', 'waiting']);
    for (const job of jobs.slice(0, 20)) await job.remove();
    expect(await queue.count()).toBe(20);

    const report = await runtime.reconcile();
    expect(report.requeued).toBe(20);
    expect(await queue.count()).toBe(40);
    expect((await runtime.reconcile()).requeued).toBe(0);

    await pipeline.startWorker({ concurrency: 10 });
    await expect
      .poll(async () => (await tableRows(runtime, 'sends')).filter((r) => r.status === 'sent').length, { timeout: 15_000 })
      .toBe(40);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(40);
    expect(smtp.received).toHaveLength(40);
  });

  it('takes back a claim whose worker died mid-send once the lease has passed', async () => {
    const { runtime } = pipeline;
    const { sends: rows } = await enterOrder(runtime.orderDeps(), {
      orderId: 'D-1', buyer: { name: 'Kim', email: 'd1@example.com' }, country: 'KR', carrier: 'ups', trackingNumber: '1ZD1',
    });
    const shipped = rows.find((r) => r.milestone === 'shipped')!;
    // A worker claimed it and died: status sending, claim two seconds old, no job in Redis.
    await updateRows(runtime, 'sends', { status: 'sending', claimedAt: Date.now() - 2000, attempts: 1 });
    const report = await runtime.reconcile();
    expect(report.expiredClaims).toBeGreaterThanOrEqual(1);
    await pipeline.startWorker();
    await expect.poll(async () => (await tableRows(runtime, 'sends')).find((r) => r.id === shipped.id)?.status, { timeout: 10_000 }).toBe('sent');
    expect(smtp.received.filter((m) => m.to.includes('d1@example.com')).length).toBeGreaterThanOrEqual(1);
  });
});
