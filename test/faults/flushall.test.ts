import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { enterDueOrders, exited, faultEnv, output, spawnCli, tally, type FaultEnv } from './harness.js';

describe('fault: FLUSHALL Redis with scheduled messages', () => {
  let smtp: SmtpSink;
  let fault: FaultEnv;
  let worker: ChildProcess | null = null;
  beforeEach(async () => {
    smtp = await startSmtpSink();
    fault = faultEnv(smtp);
  });
  afterEach(async () => {
    worker?.kill('SIGKILL');
    await fault.close();
    await smtp.stop();
  });

  it('reconcile re-creates every lost job and each message is sent once', async () => {
    const due = 1000;
    await enterDueOrders(fault, due);
    expect(await fault.runtime.promote()).toBe(due);
    const redis = await fault.runtime.redis();
    await redis.flushall();
    expect(await (await fault.runtime.sendQueue()).count()).toBe(0);

    const reconcile = spawnCli(['reconcile'], fault.env);
    expect(await exited(reconcile)).toBe(0);
    expect(output(reconcile)).toMatch(/1000/);
    expect(await (await fault.runtime.sendQueue()).count()).toBe(due);

    worker = spawnCli(['worker'], fault.env);
    await expect.poll(async () => (await tally(fault, smtp, due)).pending, { timeout: 60_000, interval: 200 }).toBe(0);
    const t = await tally(fault, smtp, due);
    console.log(`flushall: ${due} due, ${t.sent} sent, ${t.lost} lost, ${t.duplicates} duplicates after FLUSHALL + reconcile`);
    expect(t.sent).toBe(due);
    expect(t.received).toBe(due);
    expect(t.duplicates).toBe(0);
  });
});
