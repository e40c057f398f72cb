import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { enterDueOrders, exited, faultEnv, sleep, spawnCli, tally, type FaultEnv } from './harness.js';

/**
 * A duplicate needs a message the SMTP server accepted whose worker died
 * before recording it: at most one per pooled SMTP connection per kill.
 */
describe.each([
  { connections: 5, query: '' },
  { connections: 1, query: '/?pool=true&maxConnections=1' },
])('fault: kill -9 the worker during a batch ($connections SMTP connections)', ({ connections, query }) => {
  let smtp: SmtpSink;
  let fault: FaultEnv;
  let worker: ChildProcess | null = null;
  beforeEach(async () => {
    smtp = await startSmtpSink();
    fault = faultEnv(smtp, {}, query);
  });
  afterEach(async () => {
    worker?.kill('SIGKILL');
    await fault.close();
    await smtp.stop();
  });

  it('sends every due message, duplicates at most one per connection per kill', async () => {
    const due = 1000;
    const kills = 5;
    await enterDueOrders(fault, due);
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
    await expect.poll(async () => (await tally(fault, smtp, due)).pending, { timeout: 60_000, interval: 200 }).toBe(0);
    const t = await tally(fault, smtp, due);
    console.log(
      `kill9: ${due} due, ${t.sent} sent, ${t.lost} lost, ${t.duplicates} duplicate${t.duplicates === 1 ? '' : 's'} in ${kills} kills (${connections} SMTP connection${connections === 1 ? '' : 's'})`,
    );
    expect(t.sent).toBe(due);
    expect(t.lost).toBe(0);
    expect(t.distinctReceived).toBe(due);
    expect(t.duplicates).toBeLessThanOrEqual(kills * connections);
  });
});
