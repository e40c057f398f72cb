import { DateTime } from 'luxon';
import { CARRIERS } from '../domain/carriers.js';
import { COUNTRIES } from '../domain/countries.js';
import { staleCustomsNotes, validateCustomsNotes, type CustomsNoteData } from '../domain/customs.js';
import { NO_PARCEL_FACTS, parcelFacts, type ParcelFacts, type ParcelScan } from '../domain/parcel.js';
import { MILESTONES, type Milestone } from '../domain/milestones.js';
import type { Order } from '../domain/order.js';
import { DEFAULT_PROFILE } from '../domain/profile.js';
import { buildContext } from './context.js';
import { renderMessage } from './render.js';
import { variantsFor } from './reply-samples.js';
import type { TemplateSet } from './templates.js';

/** The languages postship ships templates for; each must have every milestone without falling back. */
export const TEMPLATE_LANGUAGES = [
  'en', 'es', 'fr', 'pt', 'ru', 'de', 'pl', 'it',
  'nl', 'tr', 'ko', 'ja', 'uk', 'cs', 'sv', 'pt-PT', 'he', 'ar',
] as const;

/** A customs note not checked against its source for this long is reported. */
export const STALE_NOTE_DAYS = 180;

/** The parcel states a letter must render for: day14 delivered / travelling / after a dispute, customs and post office stages. */
function parcelVariants(milestone: Milestone, country: string, at: number): Array<{ name: string | null; parcel: ParcelFacts }> {
  const one = (kind: ParcelScan['kind'], over: Partial<ParcelScan> = {}) =>
    parcelFacts({ scans: [{ kind, providerStatus: null, at, place: null, country: null, message: null, ...over }], destination: country });
  if (milestone === 'day14') {
    return [
      { name: 'travelling:no-scans', parcel: NO_PARCEL_FACTS },
      { name: 'travelling:customs', parcel: one('customs', { place: 'Madrid' }) },
      { name: 'delivered', parcel: one('delivered') },
      { name: 'after-dispute', parcel: { ...NO_PARCEL_FACTS, disputeClosed: true } },
    ];
  }
  if (milestone === 'customs') {
    return [
      { name: 'entered', parcel: one('customs') },
      { name: 'released', parcel: one('customs_released') },
      { name: 'action-required', parcel: one('customs', { providerStatus: 'Exception_018' }) },
      { name: 'origin', parcel: one('customs', { country: 'CN' }) },
    ];
  }
  if (milestone === 'post_office') {
    return [
      { name: 'arrived', parcel: one('post_office') },
      { name: 'out-for-delivery', parcel: one('out_for_delivery', { place: 'Sydney' }) },
      { name: 'pickup', parcel: one('available_for_pickup', { place: 'Sydney post office' }) },
    ];
  }
  return [{ name: null, parcel: NO_PARCEL_FACTS }];
}

export interface CheckOptions {
  /** Locales to render; default: every shipped language plus every country's default locale. */
  locales?: readonly string[];
  milestones?: readonly Milestone[];
  carriers?: readonly string[];
  countries?: readonly string[];
  /** A store's templates folder, searched first (as when sending). */
  storeDir?: string;
  customsNotes?: readonly CustomsNoteData[];
  /** Locales that must resolve to their own folder, not a fallback; default TEMPLATE_LANGUAGES. */
  requireOwn?: readonly string[];
  /** Today (ISO date): customs notes with no lastChecked, or checked more than STALE_NOTE_DAYS before, are warned about. */
  today?: string;
}

export interface CheckFailure {
  milestone: Milestone | null;
  /** The variant of a reply milestone (e.g. `not_received:no-scans`), else null. */
  variant?: string | null;
  locale: string | null;
  carrier: string | null;
  country: string | null;
  /** The template that was used, e.g. `templates/es/customs`, when one resolved. */
  template: string | null;
  message: string;
}

export interface CheckResult {
  ok: boolean;
  /** Renders attempted (each renders subject, HTML and text). */
  rendered: number;
  failures: CheckFailure[];
  /** Problems that do not stop sending (stale customs notes), for the seller to fix. */
  warnings: string[];
}

/** Fixed sample dates: before and after the EU duty change, so both note variants render. */
const SHIPPED_AT = [DateTime.fromISO('2026-03-10T08:30:00Z'), DateTime.fromISO('2026-11-20T08:30:00Z')];

function sampleOrder(i: number, country: string, carrier: string, locale: string): Order {
  const info = COUNTRIES.get(country);
  return {
    orderId: `CHK-${i}`,
    store: i % 2 === 0 ? 'default' : 'check-store',
    buyerName: i % 3 === 0 ? '' : 'Ana <b>Souza</b> & Co',
    buyerEmail: 'buyer@example.com',
    buyerLocale: locale,
    buyerTimezone: info?.timezone ?? 'UTC',
    country,
    carrier,
    trackingNumber: `RB${100000 + i}CN`,
    shippedAt: SHIPPED_AT[i % SHIPPED_AT.length],
    state: 'active',
  };
}

/** Problems in rendered output that strict mode does not catch. */
function outputProblems(subject: string, html: string, text: string): string[] {
  const problems: string[] = [];
  if (!subject.trim()) problems.push('subject is empty');
  for (const [part, body] of [['subject', subject], ['html', html], ['text', text]] as const) {
    if (/\{\{|\}\}/.test(body)) problems.push(`${part} contains unrendered "{{" or "}}"`);
    if (/\b(undefined|NaN|Invalid DateTime|\[object Object\])\b/.test(body)) problems.push(`${part} contains undefined/NaN/invalid date`);
  }
  if (!/<html[^>]*\slang="[A-Za-z-]+"/.test(html)) problems.push('html has no lang attribute');
  if (/<script\b/i.test(html)) problems.push('html contains a script');
  if (/<img\b(?![^>]*\balt=)/i.test(html)) problems.push('html has an image without alt text');
  if (/<b>Souza<\/b>/.test(html)) problems.push('html does not escape the buyer name');
  return problems;
}

/**
 * Renders every milestone x locale x a sample of carriers and countries with
 * strict variables and returns every failure (none thrown). Countries rotate
 * through carriers so each carrier and each country is seen in every locale.
 */
export function checkTemplates(templates: TemplateSet, options: CheckOptions = {}): CheckResult {
  const countries = options.countries ?? [...COUNTRIES.keys()];
  const carriers = options.carriers ?? CARRIERS.map((c) => c.code);
  const defaultLocales = [...new Set([...TEMPLATE_LANGUAGES, ...[...COUNTRIES.values()].map((c) => c.locale)])];
  const locales = options.locales ?? defaultLocales;
  const milestones = options.milestones ?? MILESTONES;
  const requireOwn = new Set(options.requireOwn ?? TEMPLATE_LANGUAGES);
  const failures: CheckFailure[] = validateCustomsNotes(options.customsNotes).map((message) => ({
    milestone: null, locale: null, carrier: null, country: null, template: null, message,
  }));
  let rendered = 0;
  let i = 0;
  const pairs = Math.max(countries.length, carriers.length);
  for (const milestone of milestones) {
    for (const locale of locales) {
      for (let k = 0; k < pairs; k += 1) {
        const country = countries[k % countries.length];
        const carrier = carriers[k % carriers.length];
        i += 1;
        const order = sampleOrder(i, country, carrier, locale);
        for (const variant of variantsFor(milestone, order).flatMap((v) =>
          parcelVariants(milestone, country, order.shippedAt.toMillis() + 9 * 86_400_000).map((p) => ({ ...v, name: v.name ?? p.name, parcel: p.parcel })),
        )) {
          rendered += 1;
          const at = { milestone, variant: variant.name, locale, carrier, country };
          try {
            const eventAt = milestone === 'customs' || milestone === 'post_office' ? (i % 2 ? order.shippedAt.plus({ days: 9 }) : null) : null;
            const base = order.store === 'default' ? undefined : { name: 'Check & Co', signature: 'Lily\nCheck & Co care team', replyTo: 'Check Co <care@check.example>' };
            const store = variant.store ? { ...base, ...variant.store } : base;
            const context = buildContext({ order, milestone, profile: DEFAULT_PROFILE, store, eventAt, customsNotes: options.customsNotes, reply: variant.reply, parcel: variant.parcel });
            const message = renderMessage(templates, milestone, context, options.storeDir);
            const language = locale.split('-')[0];
            // `pt-PT` listed on its own must resolve to its own folder, not to `pt` (Brazilian).
            const fellBack = requireOwn.has(locale) ? message.locale !== locale : requireOwn.has(language) && message.locale !== locale && message.locale !== language;
            if (fellBack) {
              failures.push({ ...at, template: message.template, message: `locale "${locale}" fell back to ${message.template}` });
            }
            for (const message_ of outputProblems(message.subject, message.html, message.text)) {
              failures.push({ ...at, template: message.template, message: message_ });
            }
          } catch (err) {
            failures.push({ ...at, template: null, message: (err as Error).message });
          }
        }
      }
    }
  }
  return { ok: failures.length === 0, rendered, failures, warnings: noteWarnings(options) };
}

function noteWarnings(options: CheckOptions): string[] {
  if (!options.today) return [];
  const before = DateTime.fromISO(options.today, { zone: 'utc' }).minus({ days: STALE_NOTE_DAYS }).toISODate()!;
  return staleCustomsNotes(before, options.customsNotes).map((n) =>
    n.lastChecked === null
      ? `customs note "${n.id}": lastChecked is missing; check it against ${n.source} and set lastChecked`
      : `customs note "${n.id}": last checked ${n.lastChecked}, more than ${STALE_NOTE_DAYS} days ago; re-check it against ${n.source}`,
  );
}
