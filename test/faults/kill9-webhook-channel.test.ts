import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enterOrder } from '../../src/services/orders.js';
import { tableRows } from '../helpers/ledgers.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { exited, faultEnv, sleep, spawnCli, type FaultEnv } from './harness.js';

const SECRET = 'relay-channel-secret';
const CONCURRENCY = 5;

/** A receiver that verifies each delivery, takes 15 ms to handle it, and records every messageId it accepted. */
function receiver() {
  const received: string[] = [];
  let badSignatures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(req.headers['x-postship-signature'])) ?? [];
      if (!t || v1 !== createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')) {
        badSignatures += 1;
        res.writeHead(401).end();
        return;
      }
      received.push((JSON.parse(body) as { messageId: string }).messageId);
      setTimeout(() => res.writeHead(200).end('ok'), 15);
    });
  });
  return {
    received,
    bad: () => badSignatures,
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('fault: kill -9 the worker during webhook-channel delivery', () => {
  let smtp: SmtpSink;
  let fault: FaultEnv;
  let rx: ReturnType<typeof receiver>;
  let worker: ChildProcess | null = null;
  beforeEach(async () => {
    smtp = await startSmtpSink();
    rx = receiver();
    const url = await rx.listen();
    fault = faultEnv(smtp, { POSTSHIP_CHANNEL_SECRET: SECRET, POSTSHIP_CONCURRENCY: String(CONCURRENCY) });
    // The worker processes read this at start: the store delivers through its webhook.
    writeFileSync(fault.env.POSTSHIP_CONFIG, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' } }, stores: { relay: { channel: 'webhook', webhookUrl: url } } }));
  });
  afterEach(async () => {
    worker?.kill('SIGKILL');
    await fault.close();
    await rx.close();
    await smtp.stop();
  });

  it('loses no message; duplicates at most one per in-flight send per kill, each with the same messageId', async () => {
    const due = 300;
    const kills = 3;
    const shippedAt = DateTime.utc().toISO();
    await fault.runtime.ledger.transaction(async (tx) => {
      for (let i = 0; i < due; i++) {
        await enterOrder({ ...fault.runtime.orderDeps(), ledger: tx }, { orderId: `W-${i}`, store: 'relay', buyer: { name: `Buyer ${i}`, channelId: `b-${i}` }, country: 'ES', carrier: 'cainiao', trackingNumber: `WT${i}X`, shippedAt });
      }
    });
    await fault.runtime.promote();
    for (let k = 0; k < kills; k++) {
      worker = spawnCli(['worker'], fault.env);
      const before = rx.received.length;
      const deadline = Date.now() + 15_000;
      while (rx.received.length < before + 30 && Date.now() < deadline) await sleep(5);
      worker.kill('SIGKILL');
      await exited(worker);
    }
    worker = spawnCli(['worker'], fault.env);
    const shipped = async () => (await tableRows(fault.runtime, 'sends')).filter((r) => r.milestone === 'shipped');
    await expect.poll(async () => (await shipped()).filter((r) => ['scheduled', 'queued', 'sending'].includes(r.status)).length, { timeout: 40_000, interval: 200 }).toBe(0);
    const rows = await shipped();
    const sentIds = new Set(rows.filter((r) => r.status === 'sent').map((r) => r.messageId ?? ''));
    const distinct = new Set(rx.received);
    const duplicates = rx.received.length - distinct.size;
    console.log(`kill9-webhook-channel: ${due} due, ${sentIds.size} sent, ${[...sentIds].filter((id) => !distinct.has(id)).length} lost, ${duplicates} duplicates in ${kills} kills (concurrency ${CONCURRENCY})`);
    expect(sentIds.size).toBe(due);
    expect([...sentIds].every((id) => distinct.has(id))).toBe(true);
    // Every delivery, duplicates included, carries the messageId its send is recorded with.
    expect(distinct).toEqual(sentIds);
    expect(duplicates).toBeLessThanOrEqual(kills * CONCURRENCY);
    expect(rx.bad()).toBe(0);
  });
});
