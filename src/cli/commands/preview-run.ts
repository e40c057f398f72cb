/** `postship preview`'s work: its modules (handlebars, zod, the ledger) load only when it runs, not for `--help` (see preview.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { InputError } from '../../domain/errors.js';
import { findCarrier } from '../../domain/carriers.js';
import { sampleTrackingNumber } from '../../domain/tracking-number.js';
import { isEventMilestone, isMilestone, MILESTONES, type Milestone } from '../../domain/milestones.js';
import { validateOrder, type Order } from '../../domain/order.js';
import { buildContext } from '../../mail/context.js';
import { renderMessage } from '../../mail/render.js';
import { TemplateSet } from '../../mail/templates.js';
import { profileResolver, storeIdentity } from '../../services/profiles.js';
import type { Ledger } from '../../store/ledger-api.js';
import { openLedger } from '../../store/open.js';
import { orderFromRow } from '../../store/ledger.js';
import { parseDisputeReason } from '../../services/disputes.js';
import { replyFactsFor } from '../../services/reply-facts.js';
import { variantsFor } from '../../mail/reply-samples.js';
import type { ReplyFacts } from '../../mail/reply-context.js';
import type { Config } from '../../config/config.js';
import { cliConfig, print, printJson, type Cli } from '../cli.js';
import { channelPayload } from '../../mail/webhook-channel.js';
import { messageIdFor } from '../../domain/message-id.js';
import { asFlagProblem } from '../order-flags.js';

export interface PreviewOptions {
  reason?: string;
  rating?: string;
  carrier?: string;
  country?: string;
  locale?: string;
  store?: string;
  order?: string;
  out?: string;
  json?: boolean;
  channel?: string;
}

/** How long ago the sample parcel shipped when each milestone goes out, for believable dates. */
const SAMPLE_AGE_DAYS: Record<Milestone, number> = { shipped: 0, day1: 1, customs: 6, post_office: 12, day14: 14, delay: 35, pickup_reminder: 16, feedback_thanks: 20, dispute_reply: 30 };

function sampleOrder(o: PreviewOptions, now: DateTime, milestone: Milestone): Order {
  const problems: string[] = [];
  if (!o.carrier) problems.push('--carrier is required (or use --order ID for a real order)');
  if (!o.country) problems.push('--country is required (or use --order ID for a real order)');
  const validation = validateOrder(
    {
      orderId: 'PREVIEW-1001',
      store: o.store,
      buyer: { name: 'Alex Sample', email: 'alex.sample@example.com', locale: o.locale },
      country: o.country ?? '',
      carrier: o.carrier ?? '',
      trackingNumber: sampleTrackingNumber(findCarrier(o.carrier ?? '')?.code ?? 'other'),
      shippedAt: now.minus({ days: SAMPLE_AGE_DAYS[milestone] }).toISO(),
    },
    now,
  );
  if (!validation.ok) problems.push(...validation.problems.map(asFlagProblem).filter((p) => !/^--(carrier|country) "" /.test(p)));
  if (problems.length > 0) throw new InputError('preview_invalid', problems);
  return (validation as { ok: true; order: Order }).order;
}

/** Sample facts for a reply milestone: a rating, or a dispute of --reason with sample scans. */
function sampleReply(milestone: Milestone, order: Order, o: PreviewOptions, now: DateTime): ReplyFacts | undefined {
  if (milestone === 'feedback_thanks') return { feedback: { rating: o.rating ? Number(o.rating) : 5, comment: null } };
  if (milestone !== 'dispute_reply') return undefined;
  const reason = parseDisputeReason(o.reason ?? 'not_received');
  const sample = variantsFor(milestone, order).find((v) => v.name?.startsWith(reason))!;
  return { ...sample.reply, dispute: { reason, openedAt: now.toMillis() } };
}

/** A real order's rating or dispute; a dispute not recorded yet is previewed as --reason (default not_received). */
async function realReply(ledger: Ledger, order: Order, milestone: Milestone, o: PreviewOptions): Promise<ReplyFacts | undefined> {
  const facts = await replyFactsFor(ledger, order.orderId, milestone, 'latest');
  if (milestone === 'feedback_thanks' && !facts?.feedback) {
    throw new InputError('preview_invalid', [`order ${order.orderId} has no feedback: record it first (postship feedback ${order.orderId} --rating 5)`]);
  }
  if (milestone === 'dispute_reply' && (!facts?.dispute || o.reason)) {
    return { ...facts, dispute: { reason: parseDisputeReason(o.reason ?? facts?.dispute?.reason ?? 'not_received'), openedAt: Date.now() } };
  }
  return facts;
}

async function realOrder(config: Config, o: PreviewOptions, milestone: Milestone): Promise<{ order: Order; eventAt: DateTime | null; reply?: ReplyFacts }> {
  if (o.carrier || o.country || o.store) {
    throw new InputError('preview_invalid', ['--order uses the order\'s own carrier, country and store; drop --carrier, --country and --store']);
  }
  const ledger = openLedger(config.dbPath);
  try {
    const row = await ledger.getOrder(o.order!);
    if (!row) throw new InputError('order_unknown', [`--order ${JSON.stringify(o.order)} is not a known order`]);
    const order = orderFromRow(row);
    if (o.locale) order.buyerLocale = o.locale;
    const at = await ledger.firstEventAt(order.orderId, milestone);
    return { order, eventAt: at === null ? null : DateTime.fromMillis(at, { zone: 'utc' }), reply: await realReply(ledger, order, milestone, o) };
  } finally {
    await ledger.close();
  }
}

export async function preview(cli: Cli, milestone: string, o: PreviewOptions): Promise<void> {
  if (o.channel !== undefined && o.channel !== 'email' && o.channel !== 'webhook') {
    throw new InputError('preview_invalid', [`--channel ${JSON.stringify(o.channel)} is not one of email, webhook`]);
  }
  if (!isMilestone(milestone)) {
    const problems = [`milestone ${JSON.stringify(milestone)} is not one of ${MILESTONES.join(', ')}`];
    // Report the flags' problems in the same run, not one at a time.
    if (!o.order) {
      try {
        sampleOrder(o, DateTime.utc(), 'shipped');
      } catch (err) {
        if (err instanceof InputError) problems.push(...err.problems);
        else throw err;
      }
    }
    throw new InputError('preview_invalid', problems);
  }
  const config = await cliConfig(cli);
  const now = DateTime.utc();
  const real = o.order ? await realOrder(config, o, milestone) : null;
  const order = real?.order ?? sampleOrder(o, now, milestone);
  const eventAt = real ? real.eventAt : isEventMilestone(milestone) ? now.minus({ hours: 3 }) : null;
  const reply = real ? real.reply : sampleReply(milestone, order, o, now);
  const store = storeIdentity(config.file, order.store);
  const context = buildContext({ order, milestone, profile: profileResolver(config.file)(order), store, eventAt, reply, momentAt: now });
  const rendered = renderMessage(new TemplateSet(), milestone, context, store?.templates);
  if (o.channel === 'webhook') {
    // The JSON the store's webhook receives (README "Channels"), with the Message-ID the worker would give it.
    const messageId = messageIdFor(order.orderId, milestone, store?.from ?? config.from);
    printJson(cli, channelPayload({ messageId, ...rendered }, order, milestone, rendered.locale, profileResolver(config.file)(order).trackingUrl));
    return;
  }
  const out = resolve(o.out ?? `previews/${milestone}-${rendered.locale}-${order.carrier}-${order.country}.html`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, rendered.html);
  if (o.json) {
    printJson(cli, { milestone, orderId: order.orderId, template: rendered.template, locale: rendered.locale, subject: rendered.subject, text: rendered.text, htmlPath: out });
    return;
  }
  const { bold, dim } = cli.colors;
  print(cli, dim(`template ${rendered.template} (locale ${rendered.locale}) for ${order.orderId}`));
  print(cli, `${bold('Subject:')} ${rendered.subject}`);
  print(cli);
  print(cli, rendered.text.trimEnd());
  print(cli);
  print(cli, `HTML written to ${out}`);
}
