import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channelSignature, routingTransport, webhookChannelTransport, type ChannelPayload } from '../../../src/mail/webhook-channel.js';
import { outboxTransport } from '../../../src/mail/transport.js';
import { enterOrder } from '../../../src/services/orders.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { tableRows } from '../../helpers/ledgers.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

const SECRET = 'relay-channel-secret';

/** A receiver as a seller would write one: verifies the signature, refuses replays, counts each messageId. */
function receiver(options: { failFirst: number; refuse?: (p: ChannelPayload) => boolean }) {
  const seen = new Map<string, number>();
  const payloads: ChannelPayload[] = [];
  let attempts = 0;
  let badSignatures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(req.headers['x-postship-signature'] ?? '');
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
      const expected = match ? createHmac('sha256', SECRET).update(`${match[1]}.${body}`).digest('hex') : '';
      const fresh = match && Math.abs(Date.now() / 1000 - Number(match[1])) < 300;
      if (!match || !fresh || !timingSafeEqual(Buffer.from(match[2]), Buffer.from(expected))) {
        badSignatures += 1;
        res.writeHead(401).end('bad signature');
        return;
      }
      attempts += 1;
      if (attempts <= options.failFirst) {
        res.writeHead(503).end('busy, try later');
        return;
      }
      const payload = JSON.parse(body) as ChannelPayload;
      if (options.refuse?.(payload)) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"unknown buyer"}');
        return;
      }
      seen.set(payload.messageId, (seen.get(payload.messageId) ?? 0) + 1);
      payloads.push(payload);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  return {
    seen,
    payloads,
    stats: () => ({ attempts, badSignatures }),
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/postship`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('webhook channel: the rendered message POSTed, signed, exactly once', () => {
  let dir: TempDir;
  let pipeline: TestPipeline;
  let rx: ReturnType<typeof receiver>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await pipeline?.close();
    await rx?.close();
    dir.remove();
  });

  async function start(failFirst: number, refuse?: (p: ChannelPayload) => boolean, stores?: (url: string) => object) {
    rx = receiver({ failFirst, refuse });
    const url = await rx.listen();
    const config = testConfig(dir, { POSTSHIP_CONFIG: alwaysOpenConfig(dir, { milestones: { day1: false, day14: false } }, { stores: stores ? stores(url) : { relay: { channel: 'webhook', webhookUrl: url, name: 'Relay Shop' } } }) });
    const transport = routingTransport(outboxTransport(dir.file('outbox')), webhookChannelTransport({ secretFor: (store) => (store === 'relay' || store === 'market' ? SECRET : null), timeoutMs: 2000 }));
    pipeline = testPipeline(config, undefined, transport);
    return pipeline;
  }

  it('retries 5xx, then delivers each message once with its payload; the ledger records the receiver as the response', async () => {
    const p = await start(3);
    const ids = Array.from({ length: 10 }, (_, i) => `RELAY-${i}`);
    for (const id of ids) {
      await enterOrder(p.runtime.orderDeps(), { orderId: id, store: 'relay', buyer: { name: 'Ana Souza', email: 'ana@example.com' }, country: 'BR', carrier: 'cainiao', trackingNumber: `LP${id.slice(6)}00123456BR` });
    }
    await p.runtime.promote();
    await p.startWorker({ concurrency: 4 });
    const shipped = async () => Promise.all(ids.map(async (id) => (await p.runtime.ledger.sendsOfOrder(id)).find((s) => s.milestone === 'shipped')!));
    await expect.poll(async () => (await shipped()).every((s) => s.status === 'sent'), { timeout: 20_000, interval: 100 }).toBe(true);
    expect(rx.seen.size).toBe(10);
    expect([...rx.seen.values()].every((n) => n === 1)).toBe(true);
    expect(rx.stats()).toEqual({ attempts: 13, badSignatures: 0 });
    const rows = await shipped();
    expect(new Set(rows.map((r) => r.messageId))).toEqual(new Set(rx.seen.keys()));
    expect(rows.every((r) => r.smtpResponse === 'HTTP 200 {"ok":true}')).toBe(true);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
    // Nothing went to the outbox: the store's channel is the webhook.
    expect(await import('node:fs').then((fs) => fs.existsSync(dir.file('outbox')) ? fs.readdirSync(dir.file('outbox')).length : 0)).toBe(0);
  });

  it('a 4xx other than 408/429 fails at once, recorded, without suppressing the address', async () => {
    const p = await start(0, (payload) => payload.orderId === 'RELAY-BAD');
    await enterOrder(p.runtime.orderDeps(), { orderId: 'RELAY-BAD', store: 'relay', buyer: { name: 'Bo', email: 'bo@example.com' }, country: 'US', carrier: 'ups', trackingNumber: '1Z999AA10123456784' });
    await p.runtime.promote();
    await p.startWorker();
    const send = async () => (await p.runtime.ledger.sendsOfOrder('RELAY-BAD')).find((s) => s.milestone === 'shipped')!;
    await expect.poll(async () => (await send()).status, { timeout: 10_000, interval: 100 }).toBe('failed');
    expect(await send()).toMatchObject({ attempts: 1, error: 'EHTTP 550: HTTP 400: {"error":"unknown buyer"}' });
    expect(await tableRows(p.runtime, 'suppressions')).toEqual([]);
    expect(rx.stats().attempts).toBe(1);
  });

  it('a buyer without an email but with a channel id goes through the webhook; the others of the store by email', async () => {
    const p = await start(0, undefined, (url) => ({ market: { webhookUrl: url } }));
    await enterOrder(p.runtime.orderDeps(), { orderId: 'MKT-1', store: 'market', buyer: { name: 'Mei', channelId: 'buyer-8841' }, country: 'ES', carrier: 'yanwen', trackingNumber: 'UG123456789CN' });
    await enterOrder(p.runtime.orderDeps(), { orderId: 'MKT-2', store: 'market', buyer: { name: 'Ana', email: 'ana@example.com' }, country: 'ES', carrier: 'yanwen', trackingNumber: 'UG123456790CN' });
    await p.runtime.promote();
    await p.startWorker();
    const status = async (id: string) => (await p.runtime.ledger.sendsOfOrder(id)).find((s) => s.milestone === 'shipped')!.status;
    await expect.poll(() => Promise.all([status('MKT-1'), status('MKT-2')]), { timeout: 10_000, interval: 100 }).toEqual(['sent', 'sent']);
    expect(rx.payloads).toHaveLength(1);
    const payload = rx.payloads[0];
    expect(payload).toMatchObject({ store: 'market', orderId: 'MKT-1', milestone: 'shipped', locale: 'es', buyer: { name: 'Mei', email: null, channelId: 'buyer-8841' }, trackingNumber: 'UG123456789CN' });
    expect(payload.trackingUrl).toContain('UG123456789CN');
    expect(payload.subject.length).toBeGreaterThan(0);
    expect(payload.text).toContain('UG123456789CN');
    expect(payload.html).toContain('<');
    expect(payload.messageId).toBe((await p.runtime.ledger.sendsOfOrder('MKT-1')).find((s) => s.milestone === 'shipped')!.messageId);
    const fs = await import('node:fs');
    expect(fs.readdirSync(dir.file('outbox')).filter((f) => f.includes('MKT-2'))).toHaveLength(1);
  });

  it('signs t + "." + body', () => {
    const sig = channelSignature('{"a":1}', 'k', 1700000000);
    expect(sig).toBe(`t=1700000000,v1=${createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex')}`);
  });
});
