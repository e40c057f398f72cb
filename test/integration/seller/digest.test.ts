import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIGEST_JOB } from '../../../src/queue/job-specs.js';
import { scheduleUpkeep } from '../../../jobs/worker.js';
import { FixedClock } from '../../../src/domain/clock.js';
import { sendDigests } from '../../../src/services/digest.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';
import { seedEventInto, seedOrderInto } from '../../unit/seller/seed.js';

const DAY = 86_400_000;

describe('daily at-risk digest', () => {
  let dir: TempDir;
  let sink: SmtpSink;
  let pipeline: TestPipeline;
  const clock = new FixedClock('2026-05-01T07:00:00Z');
  const ago = (days: number) => new Date(clock.now().toMillis() - days * DAY).toISOString();

  beforeEach(async () => {
    dir = tempDir();
    sink = await startSmtpSink();
    writeFileSync(
      dir.file('config.json'),
      JSON.stringify({
        stores: {
          acme: { name: 'Acme <Shop>', from: 'Acme <care@acme.example>', sellerEmail: 'boss@acme.example' },
          quiet: { sellerEmail: 'quiet@example.com' },
          nomail: {},
        },
      }),
    );
    const config = testConfig(dir, { SMTP_URL: sink.url, POSTSHIP_CONFIG: dir.file('config.json') });
    pipeline = testPipeline(config, clock);
    const db = pipeline.runtime;
    await seedOrderInto(db, { orderId: 'AC-1', store: 'acme', shippedAt: ago(55), stageRank: 2 });
    await seedEventInto(db, 'AC-1', 'customs', ago(30));
    await seedOrderInto(db, { orderId: 'AC-<2>', store: 'acme', shippedAt: ago(58) });
    await seedOrderInto(db, { orderId: 'AC-3', store: 'acme', shippedAt: ago(10) }); // not at risk
    await seedOrderInto(db, { orderId: 'QU-1', store: 'quiet', shippedAt: ago(5) });
    await seedOrderInto(db, { orderId: 'NO-1', store: 'nomail', shippedAt: ago(59) }); // no sellerEmail
  });

  afterEach(async () => {
    await pipeline.close();
    await sink.stop();
    dir.remove();
  });

  it('runs as a job and emails the seller once per store per day', async () => {
    await pipeline.startWorker();
    const queue = await pipeline.runtime.sendQueue();
    await queue.add(DIGEST_JOB, {} as never);
    await expect.poll(() => sink.received.length).toBe(1);
    const mail = sink.received[0]!;
    expect(mail.to).toEqual(['boss@acme.example']);
    expect(mail.messageId).toBe('<digest.acme.2026-05-01@acme.example>');
    expect(mail.subject).toContain('2 order(s)');
    const parsed = await mail.parse();
    expect(parsed.text).toMatch(/AC-<2>.*\n.*AC-1: ES china-post/);
    expect(parsed.text).not.toContain('AC-3');
    expect(parsed.html).toContain('AC-&lt;2&gt;');
    expect(parsed.html).not.toContain('AC-<2>');

    // A retried or second run the same day sends nothing more.
    const again = await queue.add(DIGEST_JOB, {} as never);
    await expect.poll(async () => (await again.getState()) === 'completed').toBe(true);
    expect(sink.received).toHaveLength(1);
    const outcomes = await sendDigests(await pipeline.runtime.jobDeps());
    expect(outcomes).toEqual([
      { store: 'acme', result: 'already_sent', count: 0 },
      { store: 'quiet', result: 'nothing_at_risk', count: 0 },
    ]);

    // The next day it goes out again.
    clock.advance({ days: 1 });
    expect(await sendDigests(await pipeline.runtime.jobDeps())).toContainEqual({ store: 'acme', result: 'sent', count: 2 });
    expect(sink.received).toHaveLength(2);
    clock.set('2026-05-01T07:00:00Z');
  });

  it('is scheduled daily by the upkeep', async () => {
    const deps = await pipeline.runtime.jobDeps();
    await scheduleUpkeep(deps);
    const schedulers = await deps.sendQueue.getJobSchedulers();
    expect(schedulers.find((s) => s.key === DIGEST_JOB)).toMatchObject({ pattern: '0 7 * * *', tz: 'UTC' });
  });
});
