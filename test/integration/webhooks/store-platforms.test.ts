import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { tableRows } from '../../helpers/ledgers.js';

const silent = pino({ level: 'silent' });
const FIXTURES = join(import.meta.dirname, '../../fixtures/webhooks');
const SHOPIFY_SECRET = 'shopify-app-client-secret';
const WOO_SECRET = 'woocommerce-webhook-secret';
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
/** The platforms' documented examples, dated yesterday so their messages are still due. */
const recent = (text: string) =>
  text.replaceAll('2021-12-31T19:00:00-05:00', new Date(Date.now() - 3600_000).toISOString()).replaceAll('DATE_SHIPPED', String(Math.floor(Date.now() / 1000) - 3600));

describe('store-platform webhooks: Shopify and WooCommerce', () => {
  let dir: TempDir;
  let daemon: RunningDaemon;
  beforeAll(async () => {
    dir = tempDir();
    const config = alwaysOpenConfig(dir, {}, {
      stores: { acme: { shopifyDomain: 'acme-store.myshopify.com' }, woo: { woocommerceUrl: 'https://shop.example/' } },
    });
    daemon = await startDaemon(testConfig(dir, { POSTSHIP_CONFIG: config }), {
      roles: ['web'], port: 0, logger: silent, env: { SHOPIFY_WEBHOOK_SECRET: SHOPIFY_SECRET, WOOCOMMERCE_WEBHOOK_SECRET: WOO_SECRET },
    });
  });
  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });

  // As Shopify signs: base64 HMAC-SHA256 of the raw body with the app's client secret.
  const shopify = (topic: string, body: string, over: Record<string, string> = {}) =>
    fetch(`${daemon.url}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': createHmac('sha256', SHOPIFY_SECRET).update(body).digest('base64'),
        'x-shopify-shop-domain': 'acme-store.myshopify.com',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-api-version': '2025-10',
        ...over,
      },
      body,
    });
  // As WooCommerce signs: X-WC-Webhook-Signature, base64 HMAC-SHA256 of the raw body with the webhook's secret.
  const woo = (topic: string, body: string, over: Record<string, string> = {}) =>
    fetch(`${daemon.url}/webhooks/woocommerce`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-wc-webhook-topic': topic,
        'x-wc-webhook-resource': 'order',
        'x-wc-webhook-event': topic.split('.')[1],
        'x-wc-webhook-signature': createHmac('sha256', WOO_SECRET).update(body).digest('base64'),
        'x-wc-webhook-source': 'https://shop.example/',
        'x-wc-webhook-id': '12',
        'x-wc-webhook-delivery-id': String(Math.floor(Math.random() * 1e9)),
        ...over,
      },
      body,
    });

  it('Shopify fulfillments/create with a tracking number enters the order; a repeated delivery is 200 and changes nothing', async () => {
    const body = recent(fixture('shopify-fulfillments-create.json'));
    const id = randomUUID();
    const res = await shopify('fulfillments/create', body, { 'x-shopify-webhook-id': id });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'accepted', outcome: 'entered acme-450789469' });
    const order = (await daemon.runtime.ledger.getOrder('acme-450789469'))!;
    expect(order).toMatchObject({ store: 'acme', buyerEmail: 'jon@example.com', buyerName: 'Steve Shipper', country: 'US', carrier: 'ups', trackingNumber: '1Z2345', buyerLocale: 'en-US' });
    expect((await daemon.runtime.ledger.sendsOfOrder(order.orderId)).map((s) => s.milestone)).toEqual(expect.arrayContaining(['shipped', 'day1', 'day14']));
    const again = await shopify('fulfillments/create', body, { 'x-shopify-webhook-id': id });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
    expect((await tableRows(daemon.runtime, 'storeWebhooks')).filter((r) => r.deliveryId === id)).toHaveLength(1);
  });

  it('Shopify orders/fulfilled: buyer, locale and destination from the order; an unknown carrier is "other" with a warning', async () => {
    const res = await shopify('orders/fulfilled', recent(fixture('shopify-orders-fulfilled.json')));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { outcome: string };
    expect(body.outcome).toMatch(/^entered acme-820982911946154600 \(carrier "Colis Rapide Local" has no postship code: entered as "other"/);
    expect(await daemon.runtime.ledger.getOrder('acme-820982911946154600')).toMatchObject({ buyerEmail: 'marie.dupont@example.com', buyerName: 'Marie Dupont', buyerLocale: 'fr', country: 'FR', carrier: 'other', buyerTimezone: 'Europe/Paris' });
  });

  it('Shopify orders/cancelled and refunds/create cancel pending messages', async () => {
    const cancelled = await shopify('orders/cancelled', JSON.stringify({ id: 820982911946154600, cancelled_at: '2026-01-08T10:00:00-05:00', cancel_reason: 'customer', financial_status: 'voided' }));
    expect(cancelled.status).toBe(202);
    expect(((await cancelled.json()) as { outcome: string }).outcome).toMatch(/^cancelled acme-820982911946154600 \(cancelled; \d+ pending message\(s\) stopped\)/);
    expect((await daemon.runtime.ledger.getOrder('acme-820982911946154600'))!.state).toBe('cancelled');
    const refund = await shopify('refunds/create', JSON.stringify({ id: 509562969, order_id: 450789469, created_at: '2026-01-08T10:00:00-05:00', note: 'it never came', refund_line_items: [], transactions: [] }));
    expect(refund.status).toBe(202);
    expect((await daemon.runtime.ledger.getOrder('acme-450789469'))!).toMatchObject({ state: 'cancelled', stateReason: 'refund' });
    const unknown = await shopify('orders/cancelled', JSON.stringify({ id: 1 }));
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ status: 'ignored', outcome: 'ignored: order acme-1 is not known' });
  });

  it('Shopify: a bad signature is 401 and stores nothing; an unmapped shop is 422 so Shopify retries', async () => {
    const before = (await tableRows(daemon.runtime, 'storeWebhooks')).length;
    const body = fixture('shopify-fulfillments-create.json');
    const forged = await shopify('fulfillments/create', body, { 'x-shopify-hmac-sha256': createHmac('sha256', 'wrong').update(body).digest('base64') });
    expect(forged.status).toBe(401);
    const unsigned = await shopify('fulfillments/create', body, { 'x-shopify-hmac-sha256': '' });
    expect(unsigned.status).toBe(401);
    const stranger = await shopify('fulfillments/create', body, { 'x-shopify-shop-domain': 'stranger.myshopify.com' });
    expect(stranger.status).toBe(422);
    expect(((await stranger.json()) as { message: string }).message).toMatch(/stores\.<id>\.shopifyDomain/);
    expect((await tableRows(daemon.runtime, 'storeWebhooks')).length).toBe(before);
  });

  it('WooCommerce order.updated with Shipment Tracking items enters the order; Advanced Shipment Tracking too', async () => {
    const res = await woo('order.updated', recent(fixture('woocommerce-order-updated-shipment-tracking.json')));
    expect(res.status).toBe(202);
    const order = (await daemon.runtime.ledger.getOrder('woo-727'))!;
    expect(order).toMatchObject({ store: 'woo', buyerEmail: 'john.doe@example.com', buyerName: 'João Silva', country: 'BR', carrier: 'china-post', trackingNumber: 'RR123456785CN', buyerLocale: 'pt-BR' });
    expect(Math.abs(order.shippedAt - (Date.now() - 3600_000))).toBeLessThan(5000);

    const ast = await woo('order.updated', recent(fixture('woocommerce-order-updated-ast.json')));
    expect(ast.status).toBe(202);
    expect(await daemon.runtime.ledger.getOrder('woo-731')).toMatchObject({ carrier: 'yunexpress', trackingNumber: 'YT2412345678901234', country: 'ES', buyerEmail: 'lucia.garcia@example.com' });
  });

  it('WooCommerce: no tracking yet is ignored, cancelled/refunded cancels, the save ping is 200, a bad signature 401', async () => {
    const waiting = await woo('order.updated', JSON.stringify({ id: 800, status: 'processing', billing: { email: 'a@example.com', country: 'US' }, meta_data: [] }));
    expect(waiting.status).toBe(200);
    expect(await waiting.json()).toMatchObject({ status: 'ignored', outcome: 'ignored: no shipment tracking items yet' });
    const refunded = await woo('order.updated', JSON.stringify({ id: 727, status: 'refunded', meta_data: [] }));
    expect(refunded.status).toBe(202);
    expect(await daemon.runtime.ledger.getOrder('woo-727')).toMatchObject({ state: 'cancelled', stateReason: 'refund' });
    const ping = await fetch(`${daemon.url}/webhooks/woocommerce`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'webhook_id=12' });
    expect(ping.status).toBe(200);
    const body = JSON.stringify({ id: 731, status: 'cancelled' });
    const forged = await woo('order.updated', body, { 'x-wc-webhook-signature': createHmac('sha256', 'guess').update(body).digest('base64') });
    expect(forged.status).toBe(401);
    expect((await daemon.runtime.ledger.getOrder('woo-731'))!.state).toBe('active');
  });
});
