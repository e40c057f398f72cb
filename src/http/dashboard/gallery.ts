import { readdirSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { ConfigFile } from '../../config/config-file.js';
import { CARRIERS } from '../../domain/carriers.js';
import { InputError } from '../../domain/errors.js';
import { isEventMilestone, isMilestone, MILESTONES, type Milestone } from '../../domain/milestones.js';
import { validateOrder, type Order } from '../../domain/order.js';
import { buildContext } from '../../mail/context.js';
import { variantsFor } from '../../mail/reply-samples.js';
import type { ReplyFacts } from '../../mail/reply-context.js';
import { renderMessage } from '../../mail/render.js';
import { TemplateSet } from '../../mail/templates.js';
import { TEMPLATES_DIR } from '../../paths.js';
import { profileResolver, storeIdentity } from '../../services/profiles.js';
import { replyFactsFor } from '../../services/reply-facts.js';
import type { Ledger } from '../../store/ledger-api.js';
import { orderFromRow } from '../../store/ledger.js';
import { esc, type View } from './html.js';
import type { Filters } from './filters.js';

/** How long ago the sample parcel shipped when each milestone goes out (as `postship preview` does). */
const SAMPLE_AGE_DAYS: Record<Milestone, number> = { shipped: 0, day1: 1, customs: 6, post_office: 12, day14: 14, delay: 35, pickup_reminder: 16, feedback_thanks: 20, dispute_reply: 30 };
export const GALLERY_WIDTHS = [{ name: 'desktop', px: 640 }, { name: 'mobile', px: 375 }] as const;

export interface GalleryChoice {
  milestone: Milestone;
  /** A real order to render instead of the sample one (its carrier, country and store). */
  orderId?: string;
  locale: string;
  carrier: string;
  country: string;
  store?: string;
}

let templates: TemplateSet | null = null;
let locales: string[] | null = null;

function localesAvailable(): string[] {
  return (locales ??= readdirSync(TEMPLATES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'partials').map((d) => d.name).sort());
}

export function parseGallery(query: Record<string, unknown>, filters: Filters): GalleryChoice {
  const get = (k: string) => (typeof query[k] === 'string' && (query[k] as string).trim() !== '' ? (query[k] as string).trim() : undefined);
  const milestone = get('milestone') ?? 'shipped';
  const problems: string[] = [];
  if (!isMilestone(milestone)) problems.push(`milestone ${JSON.stringify(milestone)} is not one of ${MILESTONES.join(', ')}`);
  const locale = get('locale') ?? 'en';
  if (!localesAvailable().includes(locale)) problems.push(`locale ${JSON.stringify(locale)} has no letters: pick one of ${localesAvailable().join(', ')}`);
  if (problems.length > 0) throw new InputError('gallery_invalid', problems, 'Pick from the gallery\'s menus.');
  return { milestone: milestone as Milestone, orderId: get('order'), locale, carrier: filters.carrier ?? 'china-post', country: filters.country ?? 'ES', store: filters.store };
}

function sampleOrder(choice: GalleryChoice, now: DateTime): Order {
  const validation = validateOrder(
    {
      orderId: 'PREVIEW-1001', store: choice.store,
      buyer: { name: 'Alex Sample', email: 'alex.sample@example.com', locale: choice.locale },
      country: choice.country, carrier: choice.carrier, trackingNumber: 'LP00123456789CN',
      shippedAt: now.minus({ days: SAMPLE_AGE_DAYS[choice.milestone] }).toISO(),
    },
    now,
  );
  if (!validation.ok) throw new InputError('gallery_invalid', validation.problems);
  return validation.order;
}

function sampleReply(milestone: Milestone, order: Order, now: DateTime): ReplyFacts | undefined {
  if (milestone === 'feedback_thanks') return { feedback: { rating: 5, comment: null } };
  if (milestone !== 'dispute_reply') return undefined;
  const sample = variantsFor(milestone, order).find((v) => v.name?.startsWith('not_received'))!;
  return { ...sample.reply, dispute: { reason: 'not_received', openedAt: now.toMillis() } };
}

/** A real order with its own event time and reply facts, as `postship preview --order` renders it. */
async function realOrder(ledger: Ledger, choice: GalleryChoice, now: DateTime): Promise<{ order: Order; eventAt: DateTime | null; reply?: ReplyFacts }> {
  const row = await ledger.getOrder(choice.orderId!);
  if (!row) throw new InputError('order_unknown', [`order ${JSON.stringify(choice.orderId)} is not known`], 'Drop order= to see the letter with a sample order.');
  const order = { ...orderFromRow(row), buyerLocale: choice.locale };
  const at = await ledger.firstEventAt(order.orderId, choice.milestone);
  const facts = await replyFactsFor(ledger, order.orderId, choice.milestone, 'latest');
  return { order, eventAt: at === null ? (isEventMilestone(choice.milestone) ? now : null) : DateTime.fromMillis(at, { zone: 'utc' }), reply: facts?.feedback || facts?.dispute ? facts : sampleReply(choice.milestone, order, now) };
}

/** The letter as the buyer would get it, from the real templates and a sample (or real) order. */
export async function renderSample(ledger: Ledger, file: ConfigFile, choice: GalleryChoice, nowMs: number): Promise<{ subject: string; html: string; text: string; template: string; locale: string }> {
  const now = DateTime.fromMillis(nowMs, { zone: 'utc' });
  const real = choice.orderId ? await realOrder(ledger, choice, now) : null;
  const order = real?.order ?? sampleOrder(choice, now);
  const store = storeIdentity(file, order.store);
  const eventAt = real ? real.eventAt : isEventMilestone(choice.milestone) ? now.minus({ hours: 3 }) : null;
  const reply = real ? real.reply : sampleReply(choice.milestone, order, now);
  const context = buildContext({ order, milestone: choice.milestone, profile: profileResolver(file)(order), store, eventAt, reply, momentAt: now });
  return renderMessage((templates ??= new TemplateSet()), choice.milestone, context, store?.templates);
}

export async function galleryView(ledger: Ledger, file: ConfigFile, filters: Filters, choice: GalleryChoice, nowMs: number): Promise<View> {
  const letter = await renderSample(ledger, file, choice, nowMs);
  const select = (name: string, label: string, values: readonly string[], current: string) =>
    `<label>${label}<select name="${name}">${values.map((v) => `<option${v === current ? ' selected' : ''}>${esc(v)}</option>`).join('')}</select></label>`;
  const keep = (filters.store ? `<input type="hidden" name="store" value="${esc(filters.store)}">` : '') + (choice.orderId ? `<input type="hidden" name="order" value="${esc(choice.orderId)}">` : '');
  const form = `<form class="filters" method="get" action="/admin/gallery" aria-label="letter to show">${keep}
${select('milestone', 'Milestone', MILESTONES, choice.milestone)}${select('locale', 'Language', localesAvailable(), choice.locale)}
${select('carrier', 'Carrier', CARRIERS.map((c) => c.code), choice.carrier)}<label>Country<input name="country" value="${esc(choice.country)}" size="3" maxlength="2"></label><button type="submit">Show</button></form>`;
  const frames = GALLERY_WIDTHS.map(
    (w) => `<figure><figcaption>${w.name} (${w.px} px)</figcaption><div class="scroll"><iframe id="letter-${w.name}" title="${esc(`${choice.milestone} letter at ${w.px} px`)}" sandbox="" width="${w.px}" height="640" srcdoc="${esc(letter.html)}"></iframe></div></figure>`,
  );
  return {
    path: '/admin/gallery', title: 'Letter gallery',
    params: { milestone: choice.milestone, locale: choice.locale },
    blocks: [
      `<section aria-labelledby="gallery-title"><h2 id="gallery-title">Letter gallery <small>the real templates, ${choice.orderId ? `order ${esc(choice.orderId)}` : 'a sample order'}</small></h2>${form}
<p>Template <code>${esc(letter.template)}</code> (locale ${esc(letter.locale)}). <b>Subject:</b> <span id="letter-subject">${esc(letter.subject)}</span></p>
<div class="gallery">${frames.join('')}</div><details><summary>Plain-text part</summary><pre id="letter-text">${esc(letter.text)}</pre></details></section>`,
    ],
  };
}
