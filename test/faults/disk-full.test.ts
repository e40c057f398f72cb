import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/queue/ephemeral-redis.js';
import { sqliteOf, tableRows } from '../helpers/ledgers.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { enterDueOrders, faultEnv, output, sleep, spawnCli, type FaultEnv } from './harness.js';

/**
 * The ledger refuses writes after SMTP accepted (a full disk, simulated with
 * SQLite triggers that fail the "sent" record and every other new write the
 * way SQLITE_FULL would): each message was sent, so it must stay `sending`,
 * never be re-decided as skipped, readiness must fail, and once writes
 * succeed again each is recorded as sent, with no second email.
 */
describe('fault: the database refuses writes after SMTP accepted (disk full)', () => {
  let smtp: SmtpSink;
  let fault: FaultEnv;
  let daemon: ChildProcess | null = null;
  let base: string;
  beforeEach(async () => {
    smtp = await startSmtpSink();
    fault = faultEnv(smtp, {}, '', {}, 'sqlite'); // a full disk is a SQLite file's fault here; PostgreSQL's outages are test/faults/postgres.test.ts
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    daemon = spawnCli(['daemon', '--role', 'worker', '--port', String(port)], fault.env);
    const deadline = Date.now() + 20_000;
    while ((await fetch(`${base}/readyz`).catch(() => null))?.status !== 200) {
      if (Date.now() > deadline || daemon.exitCode !== null) throw new Error(`daemon did not become ready:\n${output(daemon)}`);
      await sleep(100);
    }
  });
  afterEach(async () => {
    daemon?.kill('SIGKILL');
    await fault.close();
    await smtp.stop();
  });

  it('keeps sent-but-unrecorded messages as sending, fails readiness, records them once writes succeed', async () => {
    const db = sqliteOf(fault.runtime).$client;
    db.exec(`CREATE TRIGGER full_sent BEFORE UPDATE OF status ON sends WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
             CREATE TRIGGER full_meta_i BEFORE INSERT ON meta BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
             CREATE TRIGGER full_meta_u BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
    const due = 20;
    await enterDueOrders(fault, due, 'D');
    await expect.poll(() => smtp.received.length, { timeout: 30_000, interval: 100 }).toBe(due);
    const shipped = async () => (await tableRows(fault.runtime, 'sends')).filter((r) => r.milestone === 'shipped');
    await expect.poll(async () => (await shipped()).every((r) => r.status === 'sending'), { timeout: 10_000 }).toBe(true);
    expect((await shipped()).filter((r) => r.status === 'skipped')).toEqual([]);
    expect((await shipped()).every((r) => /accepted by SMTP .* not yet recorded: database or disk is full/.test(r.error ?? ''))).toBe(true);
    await expect.poll(async () => (await fetch(`${base}/readyz`)).status, { timeout: 10_000 }).toBe(503);
    expect(JSON.stringify(await (await fetch(`${base}/readyz`)).json())).toMatch(/refuses writes \(database or disk is full\)/);
    // Well past the retry backoff: nothing is sent again while the disk is full.
    await sleep(3000);
    expect(smtp.received.length).toBe(due);

    db.exec('DROP TRIGGER full_sent; DROP TRIGGER full_meta_i; DROP TRIGGER full_meta_u;'); // space freed
    await expect.poll(async () => (await shipped()).filter((r) => r.status === 'sent').length, { timeout: 15_000, interval: 200 }).toBe(due);
    await expect.poll(async () => (await fetch(`${base}/readyz`)).status, { timeout: 10_000 }).toBe(200);
    expect(smtp.received.length).toBe(due);
    expect(new Set((await shipped()).map((r) => r.messageId)).size).toBe(due);
    console.log(`disk-full: ${due} accepted while the ledger refused writes, ${due} recorded as sent once it took them, 0 duplicates, 0 skipped`);
  });
});
