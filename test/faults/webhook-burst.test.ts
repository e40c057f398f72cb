import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/queue/ephemeral-redis.js';
import { enterOrder } from '../../src/services/orders.js';
import { tableRows } from '../helpers/ledgers.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { exited, faultEnv, spawnCli, type FaultEnv } from './harness.js';

const SECRET = 'burst-secret';

describe('fault: five concurrent deliveries of one webhook', () => {
  let smtp: SmtpSink;
  let fault: FaultEnv;
  let daemon: ChildProcess | null = null;
  beforeEach(async () => {
    smtp = await startSmtpSink();
    fault = faultEnv(smtp, { POSTSHIP_WEBHOOK_SECRET: SECRET });
  });
  afterEach(async () => {
    daemon?.kill('SIGKILL');
    await fault.close();
    await smtp.stop();
  });

  it('stores the event once, schedules customs once and sends it once', async () => {
    await enterOrder(fault.runtime.orderDeps(), {
      orderId: 'W-1', buyer: { name: 'Wanda', email: 'wanda@example.com', locale: 'en' }, country: 'PL', carrier: 'yanwen',
      trackingNumber: 'UG123456789YP', shippedAt: DateTime.utc().minus({ days: 5 }).toISO(),
    });
    const port = await freePort();
    daemon = spawnCli(['daemon', '--port', String(port)], fault.env);
    const url = `http://127.0.0.1:${port}`;
    await expect.poll(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status, { timeout: 20_000 }).toBe(200);

    const body = JSON.stringify({
      event_id: 'evt-burst-1', tracking_number: 'UG123456789YP', carrier: 'yanwen', status: 'customs',
      occurred_at: DateTime.utc().minus({ hours: 1 }).toISO(),
    });
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${url}/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-postship-signature': signature }, body }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.every((s) => s === 200 || s === 202)).toBe(true);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);

    const customs = async () => (await tableRows(fault.runtime, 'sends')).filter((s) => s.milestone === 'customs');
    await expect.poll(async () => (await customs())[0]?.status, { timeout: 20_000 }).toBe('sent');
    expect(await tableRows(fault.runtime, 'trackingEvents')).toHaveLength(1);
    expect(await customs()).toHaveLength(1);
    const first = (await customs())[0].messageId;
    const received = smtp.received.filter((m) => m.messageId === first);
    expect(received).toHaveLength(1);
    console.log(`webhook-burst: 5 deliveries, ${statuses.filter((s) => s === 202).length} stored, ${(await customs()).length} customs send, ${received.length} received`);

    daemon.kill('SIGTERM');
    const started = Date.now();
    expect(await exited(daemon)).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
