import { findCarrier } from './carriers.js';
import type { CancelReason, OrderInput } from './order.js';

export const STORE_PLATFORMS = ['shopify', 'woocommerce'] as const;
export type StorePlatform = (typeof STORE_PLATFORMS)[number];

/**
 * Store-platform payloads (Shopify, WooCommerce) read into postship's own
 * order shape. Pure: what to do is decided here, doing it is the service's.
 */
export type PlatformAction =
  | { kind: 'enter'; order: OrderInput; warnings: string[] }
  | { kind: 'cancel'; orderId: string; reason: CancelReason }
  | { kind: 'ignored'; reason: string };

/** Carrier names as Shopify's `tracking_company` list and the tracking plugins spell them, to our codes. */
const CARRIER_NAMES: Record<string, string> = {
  'china post': 'china-post',
  'china-post': 'china-post',
  'china ems': 'china-ems',
  'china ems epacket': 'china-ems',
  'epacket': 'china-ems',
  'ems': 'china-ems',
  'cainiao': 'cainiao',
  'aliexpress standard shipping': 'cainiao',
  '4px': '4px',
  'yanwen': 'yanwen',
  'yunexpress': 'yunexpress',
  'yun express': 'yunexpress',
  'sf express': 'sf-express',
  'sf international': 'sf-express',
  'dhl express': 'dhl',
  'dhl': 'dhl',
  'fedex': 'fedex',
  'ups': 'ups',
};

/** Our carrier for a platform's carrier name; unknown names are `other`, with a warning. */
export function carrierFromName(name: unknown, warnings: string[]): string {
  const text = typeof name === 'string' ? name.trim() : '';
  const mapped = CARRIER_NAMES[text.toLowerCase()] ?? findCarrier(text)?.code;
  if (mapped) return mapped;
  warnings.push(`carrier ${JSON.stringify(text || '(none)')} has no postship code: entered as "other" (postal timings)`);
  return 'other';
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);
const fullName = (a: Json): string | undefined => str(a.name) ?? ([str(a.first_name), str(a.last_name)].filter(Boolean).join(' ') || undefined);

/** postship's id for a platform order: the store id in front, so two shops' (or the CLI's) numbers never meet. */
export function platformOrderId(store: string, id: unknown): string {
  return `${store}-${String(id)}`;
}

function firstTracking(f: Json): string | undefined {
  const numbers = Array.isArray(f.tracking_numbers) ? f.tracking_numbers.map(str).filter(Boolean) : [];
  return str(f.tracking_number) ?? numbers[0];
}

/**
 * Shopify topics: `orders/fulfilled` (an order with `fulfillments`),
 * `fulfillments/create` and `fulfillments/update` (a fulfillment),
 * `orders/cancelled` (an order), `refunds/create` (a refund).
 */
export function readShopify(topic: string, payload: unknown, store: string): PlatformAction {
  const p = obj(payload);
  switch (topic) {
    case 'orders/cancelled':
      return p.id === undefined ? { kind: 'ignored', reason: 'no order id' } : { kind: 'cancel', orderId: platformOrderId(store, p.id), reason: 'cancelled' };
    case 'refunds/create':
      return p.order_id === undefined ? { kind: 'ignored', reason: 'no order id' } : { kind: 'cancel', orderId: platformOrderId(store, p.order_id), reason: 'refund' };
    case 'orders/fulfilled': {
      const fulfillments = (Array.isArray(p.fulfillments) ? p.fulfillments : []).map(obj).filter((f) => f.status !== 'cancelled' && firstTracking(f));
      const f = fulfillments[0];
      if (!f) return { kind: 'ignored', reason: 'no fulfillment with a tracking number' };
      const customer = obj(p.customer);
      const address = obj(p.shipping_address);
      return enter(store, p.id, f, {
        email: str(p.email) ?? str(p.contact_email) ?? str(customer.email),
        name: fullName(address) ?? fullName(customer),
        locale: str(p.customer_locale) ?? str(customer.locale),
        country: str(address.country_code),
      });
    }
    case 'fulfillments/create':
    case 'fulfillments/update': {
      if (p.status === 'cancelled') return { kind: 'ignored', reason: 'fulfillment cancelled' };
      if (!firstTracking(p)) return { kind: 'ignored', reason: 'no tracking number yet' };
      const destination = obj(p.destination);
      return enter(store, p.order_id, p, { email: str(p.email), name: fullName(destination), locale: undefined, country: str(destination.country_code) });
    }
    default:
      return { kind: 'ignored', reason: `topic ${topic} is not one postship reads` };
  }
}

function enter(store: string, orderId: unknown, f: Json, buyer: { email?: string; name?: string; locale?: string; country?: string }): PlatformAction {
  const warnings: string[] = [];
  const order: OrderInput = {
    orderId: platformOrderId(store, orderId),
    store,
    buyer: { name: buyer.name, email: buyer.email, locale: buyer.locale },
    country: buyer.country,
    carrier: carrierFromName(f.tracking_company, warnings),
    trackingNumber: firstTracking(f),
    shippedAt: str(f.created_at),
  };
  return { kind: 'enter', order, warnings };
}

/** The Shipment Tracking extension and Advanced Shipment Tracking keep their items under this meta key. */
export const WC_TRACKING_META = '_wc_shipment_tracking_items';

/**
 * WooCommerce `order.updated` (and `order.created`): an order carrying
 * shipment-tracking items becomes an order; `cancelled`, `refunded` (and
 * `failed`) cancel it. Advanced Shipment Tracking writes the same meta key,
 * with its provider as a slug (`china-post`) and `formatted_tracking_provider`.
 */
export function readWooCommerce(topic: string, payload: unknown, store: string): PlatformAction {
  const p = obj(payload);
  if (!/^order\.(updated|created)$/.test(topic)) return { kind: 'ignored', reason: `topic ${topic} is not one postship reads` };
  if (p.id === undefined) return { kind: 'ignored', reason: 'no order id' };
  const status = str(p.status);
  if (status === 'cancelled' || status === 'refunded' || status === 'failed') {
    return { kind: 'cancel', orderId: platformOrderId(store, p.id), reason: status === 'refunded' ? 'refund' : 'cancelled' };
  }
  const meta = (Array.isArray(p.meta_data) ? p.meta_data : []).map(obj);
  const items = meta.filter((m) => m.key === WC_TRACKING_META).flatMap((m) => (Array.isArray(m.value) ? m.value.map(obj) : []));
  const item = items.find((i) => str(i.tracking_number));
  if (!item) return { kind: 'ignored', reason: 'no shipment tracking items yet' };
  const warnings: string[] = [];
  const provider = str(item.custom_tracking_provider) ?? str(item.tracking_provider) ?? str(item.formatted_tracking_provider);
  const billing = obj(p.billing);
  const shipping = obj(p.shipping);
  const shipped = Number(str(item.date_shipped));
  return {
    kind: 'enter',
    warnings,
    order: {
      orderId: platformOrderId(store, p.id),
      store,
      buyer: { name: fullName(shipping) ?? fullName(billing), email: str(billing.email) },
      country: str(shipping.country) ?? str(billing.country),
      carrier: carrierFromName(provider, warnings),
      trackingNumber: str(item.tracking_number),
      // date_shipped is a Unix time in seconds (the date the seller picked, at midnight of the site's zone).
      shippedAt: Number.isFinite(shipped) && shipped > 0 ? new Date(shipped * 1000).toISOString() : str(p.date_completed_gmt) ? `${str(p.date_completed_gmt)}Z` : undefined,
    },
  };
}
