import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { TRACKING_JOB, trackingJobId } from '../../../src/queue/job-specs.js';
import { enqueueTrackingEvents } from '../../../src/queue/queues.js';
import { enterOrder } from '../../../src/services/orders.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { tableRows } from '../../helpers/ledgers.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

describe('tracking.apply jobs', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline;
  afterEach(async () => {
    await pipeline.close();
    await smtp.stop();
    dir.remove();
  });

  async function setup(orders: number) {
    dir = tempDir();
    smtp = await startSmtpSink();
    pipeline = testPipeline(testConfig(dir, { SMTP_URL: smtp.url }));
    const { runtime } = pipeline;
    const now = Date.now();
    const ids: number[] = [];
    for (let i = 0; i < orders; i += 1) {
      await enterOrder(runtime.orderDeps(), {
        orderId: `AJ-${i}`, buyer: { name: 'Ana', email: `aj${i}@example.com` }, country: 'FR', carrier: 'china-post',
        trackingNumber: `AJ${i}CN`, shippedAt: DateTime.utc().minus({ days: 6 }).toISO(),
      });
      const stored = await runtime.ledger.recordTrackingEvent({
        provider: 'generic', dedupKey: randomUUID(), trackingNumber: `AJ${i}CN`, carrier: 'china-post',
        providerStatus: 'customs', outcome: 'customs', occurredAt: new Date(now - 60_000).toISOString(),
      }, '{}', now);
      if (!stored.stored) throw new Error('not stored');
      ids.push(stored.id);
    }
    const processed = async () => (await tableRows(runtime, 'trackingEvents')).filter((e) => e.processedAt !== null).length;
    return { runtime, ids, processed };
  }

  it('one job carries a burst of events, and each is applied', async () => {
    const { runtime, ids, processed } = await setup(5);
    const queue = await runtime.sendQueue();
    await enqueueTrackingEvents(queue, runtime.config, ids);
    const jobs = await queue.getJobs(['wait', 'delayed', 'prioritized']);
    expect(jobs.filter((j) => j.name === TRACKING_JOB).map((j) => j.id)).toEqual([trackingJobId(ids)]);
    await pipeline.startWorker();
    await expect.poll(processed, { timeout: 10_000 }).toBe(5);
  });

  it('a version-1 job queued before the upgrade (one event) is still applied', async () => {
    const { runtime, ids, processed } = await setup(1);
    const queue = await runtime.sendQueue();
    await queue.add(TRACKING_JOB, { eventId: ids[0], v: 1 } as never, { jobId: `tracking.${ids[0]}` });
    await pipeline.startWorker();
    await expect.poll(processed, { timeout: 10_000 }).toBe(1);
  });
});
