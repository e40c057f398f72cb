import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { enterDueOrders, exited, faultEnv, sleep, spawnCli, tally, type FaultEnv } from './harness.js';

describe('fault: kill -9 the worker during a batch', () => {
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

  it('sends every due message once, a duplicate at most per kill', async () => {
    const due = 1000;
    const kills = 5;
    enterDueOrders(fault, due);
    await fault.runtime.promote();
    for (let k = 0; k < kills; k++) {
      worker = spawnCli(['worker'], fault.env);
      const before = smtp.received.length;
      // Let it get well into the batch, then kill it mid-flight.
      const deadline = Date.now() + 20_000;
      while (smtp.received.length < before + 60 && Date.now() < deadline) await sleep(10);
      worker.kill('SIGKILL');
      await exited(worker);
    }
    worker = spawnCli(['worker'], fault.env);
    await expect.poll(() => tally(fault, smtp, due).pending, { timeout: 60_000, interval: 200 }).toBe(0);
    const t = tally(fault, smtp, due);
    console.log(`kill9: ${due} due, ${t.sent} sent, ${t.lost} lost, ${t.duplicates} duplicate${t.duplicates === 1 ? '' : 's'} in ${kills} kills`);
    expect(t.sent).toBe(due);
    expect(t.lost).toBe(0);
    expect(t.distinctReceived).toBe(due);
    expect(t.duplicates).toBeLessThanOrEqual(kills);
  });
});
