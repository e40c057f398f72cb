import { createHmac } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigFile } from '../../config/config-file.js';
import { readShopify, readWooCommerce, type PlatformAction } from '../../domain/store-platforms.js';
import type { OrderServiceDeps } from '../../services/orders.js';
import { receiveStoreWebhook } from '../../services/store-webhooks.js';
import type { StorePlatform } from '../../domain/store-platforms.js';
import { BODY_LIMIT_BYTES, problem } from '../errors.js';
import { secretOf, type WebhookSecretName, type WebhookSecrets } from '../secrets.js';
import { safeEqual } from '../verify-signature.js';

export interface StoreWebhookDeps {
  orders: OrderServiceDeps;
  file: Pick<ConfigFile, 'stores'>;
  secrets: WebhookSecrets;
  /** After an order was entered: promote + tracking sync (Runtime.queueAfterWrite). After the answer. */
  queueAfterWrite(): Promise<number>;
  removeJobs(sendIds: number[]): Promise<void>;
}

/** Shopify and WooCommerce both sign with base64 HMAC-SHA256 of the raw body. */
export function platformSignature(raw: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

type Headers = FastifyRequest['headers'];
const header = (headers: Headers, name: string): string | null => {
  const v = headers[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
};

interface Platform {
  name: StorePlatform;
  label: string;
  secretName: WebhookSecretName;
  signatureHeader: string;
  deliveryHeader: string;
  topicHeader: string;
  shopHeader: string;
  /** The store whose `shopifyDomain` / `woocommerceUrl` names this shop. */
  storeOf(file: StoreWebhookDeps['file'], shop: string): string | null;
  read(topic: string, payload: unknown, store: string): PlatformAction;
}

const site = (url: string) => url.trim().toLowerCase().replace(/\/+$/, '');

function findStore(file: StoreWebhookDeps['file'], match: (s: ConfigFile['stores'][string]) => boolean): string | null {
  return Object.keys(file.stores).find((id) => Object.hasOwn(file.stores, id) && match(file.stores[id])) ?? null;
}

export const SHOPIFY: Platform = {
  name: 'shopify',
  label: 'Shopify',
  secretName: 'SHOPIFY_WEBHOOK_SECRET',
  signatureHeader: 'x-shopify-hmac-sha256',
  deliveryHeader: 'x-shopify-webhook-id',
  topicHeader: 'x-shopify-topic',
  shopHeader: 'x-shopify-shop-domain',
  storeOf: (file, shop) => findStore(file, (s) => s.shopifyDomain?.toLowerCase() === shop.toLowerCase()),
  read: readShopify,
};

export const WOOCOMMERCE: Platform = {
  name: 'woocommerce',
  label: 'WooCommerce',
  secretName: 'WOOCOMMERCE_WEBHOOK_SECRET',
  signatureHeader: 'x-wc-webhook-signature',
  deliveryHeader: 'x-wc-webhook-delivery-id',
  topicHeader: 'x-wc-webhook-topic',
  shopHeader: 'x-wc-webhook-source',
  storeOf: (file, shop) => findStore(file, (s) => s.woocommerceUrl !== undefined && site(s.woocommerceUrl) === site(shop)),
  read: readWooCommerce,
};

function receive(platform: Platform, deps: StoreWebhookDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const secret = secretOf(deps.secrets, platform.secretName);
    if (!secret) return reply.code(503).send(problem('not_configured', `${platform.secretName} is not set, so ${platform.label} webhooks are refused`));
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    // WooCommerce's "ping" when a webhook is saved: `webhook_id=N`, form-encoded and unsigned. It changes nothing.
    if (platform.name === 'woocommerce' && request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') && /^webhook_id=\d+$/.test(raw.toString('utf8'))) {
      return reply.code(200).send({ status: 'ping' });
    }
    const claimed = header(request.headers, platform.signatureHeader);
    if (!claimed || !safeEqual(claimed, platformSignature(raw, secret))) {
      request.log.warn({ platform: platform.name, ip: request.ip }, 'store webhook with a bad signature');
      return reply.code(401).send(problem('bad_signature', `missing or invalid ${platform.signatureHeader} header`));
    }
    const deliveryId = header(request.headers, platform.deliveryHeader);
    const topic = header(request.headers, platform.topicHeader);
    const shop = header(request.headers, platform.shopHeader);
    const missing = [!deliveryId && platform.deliveryHeader, !topic && platform.topicHeader, !shop && platform.shopHeader].filter(Boolean);
    if (missing.length > 0) return reply.code(400).send(problem('missing_header', `missing ${missing.join(', ')}`));
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return reply.code(400).send(problem('malformed_json', `the body is not valid JSON: ${(err as Error).message}`));
    }
    const store = platform.storeOf(deps.file, shop!);
    if (!store) {
      // Not 2xx: the platform retries (Shopify for 48 hours), so orders are not lost while the config is fixed.
      request.log.error({ platform: platform.name, shop }, 'store webhook from a shop no store is mapped to');
      const field = platform.name === 'shopify' ? 'shopifyDomain' : 'woocommerceUrl';
      return reply.code(422).send(problem('unknown_shop', `no store has ${field} ${JSON.stringify(shop)}; add it to the config file (stores.<id>.${field})`));
    }
    let result;
    try {
      result = await receiveStoreWebhook(deps.orders, { platform: platform.name, deliveryId: deliveryId!, shop: shop!, store, topic: topic!, raw: raw.toString('utf8') }, () => platform.read(topic!, payload, store));
    } catch (err) {
      request.log.error({ err, platform: platform.name }, 'cannot store or apply store webhook');
      return reply.code(503).send(problem('storage_unavailable', 'the webhook could not be stored; please retry'));
    }
    request.log.info({ platform: platform.name, topic, store, outcome: result.outcome }, 'store webhook');
    const code = result.status === 'accepted' ? 202 : 200;
    await reply.code(code).send({ status: result.status, outcome: result.outcome });
    // Redis after the answer, as for tracking webhooks: the ledger already holds it, the promoter catches up.
    if (result.entered) deps.queueAfterWrite().catch((err: Error) => request.log.warn({ err: err.message }, 'order stored but not queued; the promoter queues it'));
    if (result.cancelledSendIds.length > 0) deps.removeJobs(result.cancelledSendIds).catch((err: Error) => request.log.warn({ err: err.message }, 'cancel recorded; queued jobs not removed'));
    return reply;
  };
}

/** POST /webhooks/shopify and /webhooks/woocommerce (register with prefix /webhooks). Raw bodies: the signatures cover the bytes. */
export const storePlatformRoutes: FastifyPluginAsync<{ deps: StoreWebhookDeps }> = async (app, { deps }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
  app.post('/shopify', receive(SHOPIFY, deps));
  app.post('/woocommerce', receive(WOOCOMMERCE, deps));
};
