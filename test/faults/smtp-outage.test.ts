import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { enterDueOrders, faultEnv, sleep, spawnCli, tally, type FaultEnv } from './harness.js';

describe('fault: the SMTP server stops for 10 s mid-batch', () => {
  let smtp: SmtpSink;
  let fault: FaultEnv;
  let worker: ChildProcess | null = null;
  beforeEach(async () => {
    smtp = await startSmtpSink();
    fault = faultEnv(smtp, { POSTSHIP_BACKOFF: 'PT1S' });
  });
  afterEach(async () => {
    worker?.kill('SIGKILL');
    await fault.close();
    await smtp.stop();
  });

  it('retries through the outage and loses nothing', async () => {
    const due = 1000;
    await enterDueOrders(fault, due);
    await fault.runtime.promote();
    worker = spawnCli(['worker'], fault.env);
    while (smtp.received.length < 200) await sleep(10);
    await smtp.stop();
    const atStop = smtp.received.length;
    await sleep(10_000);
    expect(smtp.received.length).toBe(atStop);
    await smtp.start();
    await expect.poll(async () => (await tally(fault, smtp, due)).pending, { timeout: 90_000, interval: 250 }).toBe(0);
    const t = await tally(fault, smtp, due);
    console.log(`smtp-outage: ${due} due, ${t.sent} sent, ${t.lost} lost, ${t.failed} failed, ${t.duplicates} duplicates across a 10 s outage`);
    expect(t.sent).toBe(due);
    expect(t.failed).toBe(0);
    expect(t.duplicates).toBe(0);
    expect(t.received).toBe(due);
  });
});
