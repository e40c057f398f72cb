import { DateTime, Duration } from 'luxon';
import { z } from 'zod';
import { findCarrier } from '../domain/carriers.js';
import { isIsoCountry } from '../domain/countries.js';
import { MILESTONES } from '../domain/milestones.js';
import type { ProfileOverride, ProfileRule, StoreIdentity } from '../domain/profile.js';
import { parseClockTime } from '../domain/send-window.js';
import type { DkimSettings } from '../mail/dkim.js';

/** The config file named by POSTSHIP_CONFIG, after validation. */
export interface ConfigFile {
  defaults: ProfileOverride;
  profiles: ProfileRule[];
  stores: Record<string, StoreIdentity>;
  /** `stores.<id>.dkim`, kept apart from the identity the templates see (issue 22). */
  dkim?: Record<string, DkimSettings>;
  /** The seller's dashboard (issue 23): `admin.timezone`, the IANA zone its dates are shown in (default UTC). */
  admin?: { timezone: string };
}

export const EMPTY_CONFIG_FILE: ConfigFile = { defaults: {}, profiles: [], stores: {} };

/** `stores.<id>.dkim`: the signing domain, the DNS selector, the PEM key file (relative to the config file). */
export const dkimShape = z.strictObject({
  domain: z.string().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name, e.g. "acme.example"'),
  selector: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9][a-z0-9-]{0,62})*$/i, 'must be a DNS label, e.g. "postship1"'),
  privateKeyFile: z.string().min(1),
});

const isoDuration = z.string().refine((v) => Duration.fromISO(v).isValid && Duration.fromISO(v).toMillis() >= 0, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an ISO-8601 duration (e.g. "P1D", "PT2S", "P14D")`,
});

const clockTime = z.string().refine((v) => parseClockTime(v) !== null, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a time of day "HH:mm" (e.g. "09:00", "24:00")`,
});

const milestoneRecord = <T extends z.ZodType>(value: T) =>
  z.strictObject(Object.fromEntries(MILESTONES.map((m) => [m, value.optional()])) as Record<(typeof MILESTONES)[number], z.ZodOptional<T>>);

const transitDays = z
  .strictObject({ min: z.number().int().positive(), max: z.number().int().positive() })
  .refine((t) => t.min <= t.max, { error: 'min must not exceed max' });

const overrideShape = {
  milestones: milestoneRecord(z.boolean()).optional(),
  delays: z.strictObject({ day1: isoDuration.optional(), day14: isoDuration.optional() }).optional(),
  sendWindow: z.strictObject({ start: clockTime, end: clockTime }).optional(),
  transitDays: transitDays.optional(),
  trackingUrl: z
    .string()
    .refine((v) => v.includes('{tracking}') && /^https?:\/\//.test(v), {
      error: (issue) => `${JSON.stringify(issue.input)} must be an http(s) URL containing {tracking}`,
    })
    .optional(),
  staleAfter: milestoneRecord(isoDuration).optional(),
  delayAfterSilentDays: z.number().int().positive().max(60).optional(),
  reviewAfterDelivery: isoDuration.optional(),
  pickupReminders: z.array(isoDuration).max(5).optional(),
};

const carrierCode = z.string().transform((v, ctx) => {
  const carrier = findCarrier(v);
  if (!carrier) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a known carrier` });
    return z.NEVER;
  }
  return carrier.code;
});

const countryCode = z.string().refine((v) => isIsoCountry(v), {
  error: (issue) => `${JSON.stringify(issue.input)} is not an ISO 3166-1 alpha-2 country code`,
});

/** What a "not as described" reply may offer: only these, with the seller's own figures. */
const disputeOption = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('partial_refund'), amount: z.number().positive(), currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code, e.g. "USD"') }),
  z.strictObject({ type: z.literal('resend') }),
  z.strictObject({ type: z.literal('next_order_discount'), percent: z.number().positive().max(90) }),
]);

const ianaZone = z.string().refine((v) => DateTime.local().setZone(v).isValid, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone (e.g. "Europe/Madrid", "UTC")`,
});

const schema = z.strictObject({
  $schema: z.string().optional(),
  admin: z.strictObject({ timezone: ianaZone.optional() }).optional(),
  defaults: z.strictObject(overrideShape).optional(),
  profiles: z
    .array(
      z.strictObject({
        carrier: carrierCode.optional(),
        country: countryCode.optional(),
        store: z.string().min(1).optional(),
        ...overrideShape,
      }),
    )
    .optional(),
  stores: z
    .record(
      z.string(),
      z.strictObject({
        from: z.string().min(3).optional(),
        replyTo: z.string().min(3).optional(),
        name: z.string().min(1).optional(),
        signature: z.string().optional(),
        templates: z.string().min(1).optional(),
        protectionDays: z.number().int().positive().max(365).optional(),
        sellerEmail: z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address').optional(),
        /** Which provider registers this store's parcels, instead of POSTSHIP_TRACKING. */
        tracking: z.enum(['17track', 'aftership', 'trackingmore', 'none']).optional(),
        profile: z.strictObject(overrideShape).optional(),
        url: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL').optional(),
        /** Letters promise "we answer within N hours" only when set. */
        responseHours: z.number().int().positive().max(168).optional(),
        /** At most this many letters a UTC day for this store (instead of POSTSHIP_DAILY_CAP); the rest wait for the next day. */
        dailyCap: z.number().int().positive().optional(),
        nextOrder: z
          .strictObject({
            code: z.string().min(1).max(64).optional(),
            percent: z.number().positive().max(90),
            validDays: z.number().int().positive().max(365).optional(),
          })
          .optional(),
        feedbackThreshold: z.number().int().min(1).max(5).optional(),
        disputeOptions: z.array(disputeOption).max(5).optional(),
        disputeReplyAnyHour: z.boolean().optional(),
        /** Store platforms whose webhooks enter this store's orders (issue 20). */
        shopifyDomain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i, 'must be the shop\'s myshopify.com domain, e.g. "acme.myshopify.com"').optional(),
        woocommerceUrl: z.string().regex(/^https?:\/\/\S+$/, 'must be the site URL WooCommerce sends as X-WC-Webhook-Source, e.g. "https://shop.example/"').optional(),
        /** How this store's buyers get their messages: email (default) or the store's webhook. */
        channel: z.enum(['email', 'webhook']).optional(),
        webhookUrl: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL').optional(),
        dkim: dkimShape.optional(),
      }),
    )
    .optional(),
});

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
    '',
  );
}

export type ConfigFileResult = { ok: true; file: ConfigFile } | { ok: false; problems: string[] };

/** Validates a parsed config file, reporting every problem with its path. */
export function parseConfigFile(data: unknown): ConfigFileResult {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`),
    };
  }
  const { defaults = {}, profiles = [], stores: withDkim = {}, admin } = parsed.data;
  const dkim: Record<string, DkimSettings> = Object.create(null);
  const stores: Record<string, StoreIdentity> = {};
  for (const [id, { dkim: settings, ...identity }] of Object.entries(withDkim)) {
    stores[id] = identity;
    if (settings) dkim[id] = settings;
  }
  // No prototype: `stores["constructor"]` is a store only when the file names one.
  const file: ConfigFile = { defaults, profiles, stores: Object.assign(Object.create(null) as ConfigFile['stores'], stores), dkim };
  if (admin?.timezone) file.admin = { timezone: admin.timezone };
  return { ok: true, file };
}

/**
 * A store's settings, by own property only: `--store constructor` or
 * `__proto__` is an unknown store, not Object's. (A config file sent to a
 * thread loses its null prototype in the structured clone: hence this check.)
 */
export function storeConfig(file: Pick<ConfigFile, 'stores'>, store: string | null | undefined): StoreIdentity | undefined {
  return store != null && Object.hasOwn(file.stores, store) ? file.stores[store] : undefined;
}
