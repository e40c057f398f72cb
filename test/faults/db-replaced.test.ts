import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/queue/ephemeral-redis.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { exited, faultEnv, output, sleep, spawnCli, type FaultEnv } from './harness.js';

const SECRET = 'db-replaced-secret';

/** The SQLite files removed (then replaced) under a running daemon: it must stop acknowledging and stop being ready. */
describe('fault: the database removed and replaced under a running daemon', () => {
  let smtp: SmtpSink;
  let fault: FaultEnv;
  let daemon: ChildProcess | null = null;
  let base: string;
  beforeEach(async () => {
    smtp = await startSmtpSink();
    fault = faultEnv(smtp, {}, '', {}, 'sqlite'); // only a file can be deleted or swapped under the daemon
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    daemon = spawnCli(['daemon', '--port', String(port)], { ...fault.env, POSTSHIP_WEBHOOK_SECRET: SECRET });
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

  const post = async (id: string) => {
    const body = JSON.stringify({ event_id: id, tracking_number: 'RR1CN', status: 'in_transit', occurred_at: new Date().toISOString() });
    const sig = createHmac('sha256', SECRET).update(body).digest('hex');
    return (await fetch(`${base}/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-postship-signature': `sha256=${sig}` }, body })).status;
  };
  const run = async (args: string[]) => {
    const child = spawnCli(args, fault.env);
    return { code: await exited(child), output: output(child) };
  };

  it('fails readiness, refuses to acknowledge, and the CLI does not silently create a new ledger', async () => {
    expect(await post('before')).toBe(202);
    const db = fault.env.POSTSHIP_DB;
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });

    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toMatch(/database file .* was removed/);
    expect(await post('after-rm')).toBe(503);

    // Commands that only read or change existing orders refuse; nothing is created.
    const status = await run(['status', 'X-1']);
    expect(status.code).toBe(1);
    expect(status.output).toMatch(/no database at \S+postship\.db \(POSTSHIP_DB\)/);
    expect(status.output).toMatch(/postship migrate/);

    // Creating one is a deliberate act, and says so; the daemon still refuses: it is another file.
    const migrate = await run(['migrate']);
    expect(migrate.code).toBe(0);
    expect(migrate.output).toMatch(/created a new database/);
    const replaced = await fetch(`${base}/readyz`);
    expect(replaced.status).toBe(503);
    expect(JSON.stringify(await replaced.json())).toMatch(/was replaced by another file/);
    expect(await post('after-replace')).toBe(503);
  });
});
