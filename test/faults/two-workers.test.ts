import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { enterDueOrders, faultEnv, spawnCli, tally, type FaultEnv } from './harness.js';

describe('fault: two workers with a tiny lock duration', () => {
  let smtp: SmtpSink;
  let fault: FaultEnv;
  const workers: ChildProcess[] = [];
  beforeEach(async () => {
    smtp = await startSmtpSink();
    // Locks expire before sends finish: jobs stall and are taken by the other worker mid-send.
    fault = faultEnv(smtp, { POSTSHIP_LOCK_DURATION: 'PT0.05S', POSTSHIP_CLAIM_LEASE: 'PT30S' });
  });
  afterEach(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await fault.close();
    await smtp.stop();
  });

  it('sends each message once: the ledger claim decides, not the job lock', async () => {
    const due = 1000;
    await enterDueOrders(fault, due);
    await fault.runtime.promote();
    workers.push(spawnCli(['worker'], fault.env), spawnCli(['worker'], fault.env));
    await expect.poll(async () => (await tally(fault, smtp, due)).pending, { timeout: 90_000, interval: 250 }).toBe(0);
    const t = await tally(fault, smtp, due);
    console.log(`two-workers: ${due} due, ${t.sent} sent, ${t.lost} lost, ${t.duplicates} duplicates with a 50 ms lock`);
    expect(t.sent).toBe(due);
    expect(t.received).toBe(due);
    expect(t.duplicates).toBe(0);
  });
});
