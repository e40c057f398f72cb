import { createHmac, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDepsOf, apiRoutes } from '../../../src/http/api/index.js';
import { storePlatformRoutes } from '../../../src/http/webhooks/store-platforms.js';
import { silentLogger } from '../../../src/logger.js';
import { ONE_SHOT, Runtime } from '../../../src/runtime.js';
import { createApiToken } from '../../../src/services/api-tokens.js';

import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';

/** Nothing listens on port 1: Redis is down. */
const DEAD_REDIS = 'redis://127.0.0.1:1';

describe('Redis down: the API and the store webhooks still answer, the ledger has it all', () => {
  let dir: TempDir;
  let runtime: Runtime;
  let app: ReturnType<typeof Fastify>;
  let url: string;
  let token: string;
  beforeAll(async () => {
    dir = tempDir();
    const config = alwaysOpenConfig(dir, {}, { stores: { acme: { shopifyDomain: 'acme-store.myshopify.com' } } });
    runtime = new Runtime(testConfig(dir, { POSTSHIP_CONFIG: config, REDIS_URL: DEAD_REDIS }), { ...ONE_SHOT, logger: silentLogger() });
    app = Fastify();
    await app.register(apiRoutes, { prefix: '/api/v1', deps: { ...apiDepsOf(runtime), queueTimeoutMs: 1500 } });
    await app.register(storePlatformRoutes, { prefix: '/webhooks', deps: { ...apiDepsOf(runtime), secrets: { SHOPIFY_WEBHOOK_SECRET: 's3cret' } } });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    token = (await createApiToken(runtime.ledger, { store: null }, Date.now())).secret;
  });
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    dir.remove();
  });

  it('POST /api/v1/orders: 201 with queued null; the order and its sends are in the ledger for the promoter', async () => {
    const res = await fetch(`${url}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'DOWN-1', buyer: { email: 'ana@example.com' }, country: 'BR', carrier: 'cainiao', trackingNumber: 'LP000000001BR' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ queued: null, orders: [{ orderId: 'DOWN-1', created: true }] });
    expect((await runtime.ledger.sendsOfOrder('DOWN-1')).find((s) => s.milestone === 'shipped')?.status).toBe('scheduled');
  });

  it('POST /webhooks/shopify: 202, the order entered; queueing waits for Redis', async () => {
    const body = JSON.stringify({ id: 1, order_id: 5550001, status: 'success', created_at: new Date().toISOString(), tracking_company: 'China Post', tracking_number: 'RR000000001CN', tracking_numbers: ['RR000000001CN'], email: 'lu@example.com', destination: { name: 'Lu Wang', country_code: 'DE' } });
    const res = await fetch(`${url}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'fulfillments/create',
        'x-shopify-hmac-sha256': createHmac('sha256', 's3cret').update(body).digest('base64'),
        'x-shopify-shop-domain': 'acme-store.myshopify.com',
        'x-shopify-webhook-id': randomUUID(),
      },
      body,
    });
    expect(res.status).toBe(202);
    expect(await runtime.ledger.getOrder('acme-5550001')).toMatchObject({ carrier: 'china-post', country: 'DE', buyerEmail: 'lu@example.com' });
    expect((await runtime.ledger.sendsOfOrder('acme-5550001')).find((s) => s.milestone === 'shipped')?.status).toBe('scheduled');
  });
});
