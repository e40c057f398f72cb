import { writeFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/logger.js';
import { ONE_SHOT, Runtime } from '../../src/runtime.js';
import { enterOrder } from '../../src/services/orders.js';
import { applyPendingEvents } from '../../src/services/tracking.js';
import { tempDir, testConfig, type TempDir } from '../helpers/env.js';
import { ledgerQuery, tableRows } from '../helpers/ledgers.js';
import { onPostgres } from '../helpers/engine.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { testPipeline, type TestPipeline } from '../helpers/worker.js';
import { SECRETS, startWebhookStack, type WebhookStack } from '../fixtures/webhooks/harness.js';
import { seventeenTrackPayload, sign17track } from '../fixtures/webhooks/payloads.js';

function customsPush(number: string): string {
  const at = DateTime.utc().minus({ minutes: 10 });
  return JSON.stringify(seventeenTrackPayload({
    number, status: 'InTransit', subStatus: 'InTransit_CustomsProcessing', events: [{ subStatus: 'InTransit_CustomsProcessing', at }],
  }));
}

describe('webhooks while Redis is down', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline | null = null;
  afterEach(async () => {
    await pipeline?.close();
    await smtp?.stop();
    dir?.remove();
  });

  it('stores and acknowledges events; once Redis is back a provider retry or the sweep applies them, and they are sent', async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
    const configPath = dir.file('config.json');
    writeFileSync(configPath, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' } } }));
    const env = { SMTP_URL: smtp.url, POSTSHIP_CONFIG: configPath };

    // The receiver's Redis is a closed port: nothing listens there.
    const down = new Runtime(testConfig(dir, { ...env, REDIS_URL: 'redis://127.0.0.1:1' }), { ...ONE_SHOT, logger: silentLogger() });
    for (const [orderId, number] of [['ORD-R1', 'RR1CN'], ['ORD-R2', 'RR3CN']]) {
      await enterOrder(down.orderDeps(), {
        orderId, buyer: { name: 'Ana', email: `${orderId.toLowerCase()}@example.com` }, country: 'FR', carrier: 'china-post',
        trackingNumber: number, shippedAt: DateTime.utc().minus({ days: 5 }).toISO(),
      });
    }
    const bodies = { RR1CN: customsPush('RR1CN'), RR3CN: customsPush('RR3CN') };
    const post = (url: string, body: string) => fetch(`${url}/webhooks/17track`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', ...sign17track(body, SECRETS.SEVENTEENTRACK_API_KEY) },
    });
    const server = await startHttpServer(down, 0, { secrets: SECRETS, host: '127.0.0.1', enqueueTimeoutMs: 5000 });
    for (const body of Object.values(bodies)) {
      const res = await post(server.url, body);
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ status: 'accepted', stored: 1 });
    }
    const stored = await tableRows(down, 'trackingEvents');
    expect(stored.map((e) => e.processedAt)).toEqual([null, null]);
    await server.close();
    await down.close();

    // Redis is back: a worker and a receiver on the same database.
    pipeline = testPipeline(testConfig(dir, env));
    await pipeline.startWorker();
    const { runtime } = pipeline;
    const customsOf = async (orderId: string) =>
      (await tableRows(runtime, 'sends')).find((s) => s.orderId === orderId && s.milestone === 'customs')?.status;
    const up = await startHttpServer(runtime, 0, { secrets: SECRETS, host: '127.0.0.1' });
    try {
      // The provider retries RR1CN (say our first answer timed out): a duplicate, queued again.
      const retry = await post(up.url, bodies.RR1CN);
      expect(retry.status).toBe(200);
      await expect.poll(() => customsOf('ORD-R1'), { timeout: 15_000 }).toBe('sent');
    } finally {
      await up.close();
    }
    // Nobody retries RR3CN: the periodic sweep takes it, leaving fresh events to their job for a minute.
    expect(await customsOf('ORD-R2')).toBeUndefined();
    expect(await applyPendingEvents(runtime.orderDeps())).toEqual({ applied: 0, scheduled: 0 });
    expect(await applyPendingEvents(runtime.orderDeps(), { olderThanMs: 0 })).toEqual({ applied: 1, scheduled: 1 });
    expect(await applyPendingEvents(runtime.orderDeps(), { olderThanMs: 0 })).toEqual({ applied: 0, scheduled: 0 });
    await runtime.promote();
    await expect.poll(() => customsOf('ORD-R2'), { timeout: 15_000 }).toBe('sent');
    expect(smtp.received.some((m) => m.to.includes('ord-r2@example.com'))).toBe(true);
  });
});

describe('webhooks while SQLite refuses writes', () => {
  let stack: WebhookStack;
  afterEach(async () => {
    await stack.close();
  });

  it('answers 503 so the provider retries, and the retry is accepted once writes work again', async () => {
    stack = await startWebhookStack();
    await stack.enter('ORD-S', 'RR2CN');
    const body = customsPush('RR2CN');
    const headers = sign17track(body, SECRETS.SEVENTEENTRACK_API_KEY);
    const { runtime } = stack.pipeline;
    // The ledger refuses writes: SQLite read-only, PostgreSQL an insert that fails, as on a full disk.
    const refuse = onPostgres()
      ? [
          `CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$`,
          'CREATE TRIGGER refuse_write BEFORE INSERT ON tracking_events FOR EACH ROW EXECUTE FUNCTION refuse_write()',
        ]
      : ['PRAGMA query_only = ON'];
    for (const text of refuse) await ledgerQuery(runtime, text);
    const refused = await stack.post('/webhooks/17track', body, headers);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toBe('storage_unavailable');
    await ledgerQuery(runtime, onPostgres() ? 'DROP TRIGGER refuse_write ON tracking_events' : 'PRAGMA query_only = OFF');
    expect(await stack.events()).toHaveLength(0);
    const retried = await stack.post('/webhooks/17track', body, headers);
    expect(retried.status).toBe(202);
    await expect.poll(async () => (await stack.sendsOf('ORD-S')).find((s) => s.milestone === 'customs')?.status, { timeout: 15_000 }).toBe('sent');
  });
});
