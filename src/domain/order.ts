import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { carrierCodes, findCarrier } from './carriers.js';
import { parseIsoMillis } from './iso-time.js';
import { countryInfo, isIsoCountry, suggestCountry } from './countries.js';
import { isEmailAddress, normalizeTrackingNumber, TRACKING_NUMBER_RULE } from './identifiers.js';

export const ORDER_STATES = ['active', 'delivered', 'returned', 'cancelled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export { CANCEL_REASONS, type CancelReason } from './cancel-reasons.js';

/** An order as postship keeps it: every default already resolved. */
export interface Order {
  orderId: string;
  store: string;
  buyerName: string;
  /** '' for a buyer reached only through the store's webhook channel (`buyerChannelId`). */
  buyerEmail: string;
  /** The buyer's id on the seller's own messaging; with no email, messages go through the store's webhook channel. */
  buyerChannelId?: string | null;
  /** BCP 47, e.g. `pt-BR`. */
  buyerLocale: string;
  /** IANA zone, e.g. `America/Sao_Paulo`. */
  buyerTimezone: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  carrier: string;
  trackingNumber: string;
  shippedAt: DateTime;
  state: OrderState;
}

/** The JSON shape an order arrives in (CLI `--json`, import rows, the demo). */
export interface OrderInput {
  orderId?: unknown;
  store?: unknown;
  buyer?: { name?: unknown; email?: unknown; channelId?: unknown; locale?: unknown; timezone?: unknown };
  country?: unknown;
  carrier?: unknown;
  trackingNumber?: unknown;
  shippedAt?: unknown;
}

export const DEFAULT_STORE = 'default';

/** A shipped-at up to a day ahead is clock skew between systems, not the future. */
const DAY_MS = 24 * 3600 * 1000;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional()
  .nullable();

const inputSchema = z.object({
  orderId: z.union([z.string(), z.number()]).transform(String),
  store: optionalText,
  buyer: z.object({
    name: optionalText,
    email: optionalText,
    channelId: optionalText,
    locale: optionalText,
    timezone: optionalText,
  }),
  country: z.string().trim(),
  carrier: z.string().trim(),
  trackingNumber: z.union([z.string(), z.number()]).transform((v) => String(v).trim()),
  shippedAt: optionalText,
});

// Deliberately plain: the SMTP server is the final judge; this catches typos and junk.
const CONTROL = /[\u0000-\u001f\u007f]/;

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replaceAll('.[', '[');
}

function canonicalLocale(value: string): string | null {
  try {
    return Intl.getCanonicalLocales(value.replace('_', '-'))[0] ?? null;
  } catch {
    return null; // RangeError: not a BCP 47 tag
  }
}

export type OrderValidation = { ok: true; order: Order } | { ok: false; problems: string[] };

/**
 * Validates and normalizes an incoming order, collecting every problem at once,
 * each naming the field, the bad value and the fix.
 */
export function validateOrder(input: unknown, now: DateTime): OrderValidation {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const field = pathOf(issue.path) || 'order';
        return issue.code === 'invalid_type' && issue.message.includes('received undefined')
          ? `${field}: is required`
          : `${field}: ${issue.message}`;
      }),
    };
  }
  const v = parsed.data;
  const problems: string[] = [];
  if (v.orderId.trim() === '' || v.orderId.length > 128 || CONTROL.test(v.orderId)) {
    problems.push(`orderId: ${JSON.stringify(v.orderId)} must be 1-128 printable characters`);
  }
  const country = v.country.toUpperCase();
  if (!isIsoCountry(country)) {
    const suggestion = suggestCountry(v.country);
    problems.push(
      `country: ${JSON.stringify(v.country)} is not an ISO 3166-1 alpha-2 code` +
        (suggestion ? ` (did you mean "${suggestion}"?)` : ' (e.g. "US", "GB", "BR")'),
    );
  }
  const carrier = findCarrier(v.carrier);
  if (!carrier) {
    problems.push(`carrier: ${JSON.stringify(v.carrier)} is not a known carrier (known: ${carrierCodes().join(', ')})`);
  }
  const trackingNumber = normalizeTrackingNumber(v.trackingNumber);
  if (!trackingNumber) {
    problems.push(`trackingNumber: ${JSON.stringify(v.trackingNumber.slice(0, 80))} must be ${TRACKING_NUMBER_RULE}`);
  }
  // No email address is fine when the buyer is reached through the store's webhook channel (buyer.channelId).
  const email = v.buyer.email ?? '';
  const channelId = v.buyer.channelId ?? null;
  if (email === '' && channelId === null) {
    problems.push('buyer.email: is required (or give buyer.channelId for the store\'s webhook channel)');
  } else if (email !== '' && !isEmailAddress(email)) {
    problems.push(`buyer.email: ${JSON.stringify(email)} is not an email address (e.g. "ana@example.com")`);
  }
  if (channelId !== null && (channelId.length > 200 || CONTROL.test(channelId))) problems.push('buyer.channelId: must be 1-200 printable characters');
  const name = v.buyer.name ?? '';
  if (name.length > 200) problems.push('buyer.name: longer than 200 characters');
  const locale = v.buyer.locale ? canonicalLocale(v.buyer.locale) : null;
  if (v.buyer.locale && !locale) {
    problems.push(`buyer.locale: ${JSON.stringify(v.buyer.locale)} is not a BCP 47 language tag (e.g. "es", "pt-BR")`);
  }
  if (v.buyer.timezone && !IANAZone.isValidZone(v.buyer.timezone)) {
    problems.push(`buyer.timezone: ${JSON.stringify(v.buyer.timezone)} is not an IANA time zone (e.g. "Europe/Madrid")`);
  }
  let shippedMs = now.toMillis();
  if (v.shippedAt) {
    shippedMs = parseIsoMillis(v.shippedAt, 'utc');
    if (!Number.isFinite(shippedMs)) {
      problems.push(`shippedAt: ${JSON.stringify(v.shippedAt)} is not an ISO-8601 date-time (e.g. "2026-11-20T08:30:00Z")`);
    } else if (shippedMs > now.toMillis() + DAY_MS) {
      problems.push(`shippedAt: ${JSON.stringify(v.shippedAt)} is in the future; use the time the parcel left`);
    }
  }
  const store = v.store ?? DEFAULT_STORE;
  if (store.length > 64 || !/^[A-Za-z0-9._-]+$/.test(store)) {
    problems.push(`store: ${JSON.stringify(store)} must be letters, digits, dots, dashes or underscores`);
  }
  if (problems.length > 0 || !carrier) return { ok: false, problems };
  const info = countryInfo(country);
  return {
    ok: true,
    order: {
      orderId: v.orderId.trim(),
      store,
      buyerName: name.replace(/\s+/g, ' '),
      buyerEmail: email,
      buyerChannelId: channelId,
      buyerLocale: locale ?? info.locale,
      buyerTimezone: v.buyer.timezone ?? info.timezone,
      country,
      carrier: carrier.code,
      trackingNumber: trackingNumber!,
      shippedAt: DateTime.fromMillis(shippedMs, { zone: 'utc' }),
      state: 'active',
    },
  };
}
