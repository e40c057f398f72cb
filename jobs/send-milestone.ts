import { DelayedError, type Job } from 'bullmq';
import { DateTime } from 'luxon';
import { listUnsubscribeHeaders, OPTIONAL_LETTERS, unsubscribeUrl } from '../src/domain/unsubscribe.js';
import { isEventMilestone, type Milestone } from '../src/domain/milestones.js';
import type { Order } from '../src/domain/order.js';
import { composeMessage } from '../src/mail/compose.js';
import { dkimKeyFor } from '../src/mail/dkim.js';
import { recipientDomain } from '../src/mail/pacing.js';
import { textFooter, unsubscribeContext } from '../src/mail/unsubscribe-footer.js';
import { buildContext } from '../src/mail/context.js';
import { renderMessage } from '../src/mail/render.js';
import { ChannelError, channelPayload } from '../src/mail/webhook-channel.js';
import { classifySendError, describeSendError } from '../src/mail/smtp-errors.js';
import type { SendJobData } from '../src/queue/queues.js';
import { learnedTransitTable } from '../src/services/learned-transit.js';
import { decideSend } from '../src/services/orders.js';
import { parcelFactsFor } from '../src/services/parcel-facts.js';
import { replyFactsFor } from '../src/services/reply-facts.js';
import { storeIdentity } from '../src/services/profiles.js';
import { orderFromRow, PENDING_STATUSES, type OrderRow, type SendRow, type SentFacts } from '../src/store/ledger.js';
import type { JobDeps } from './deps.js';
import { unrecordedFor } from './unrecorded.js';


/** How long a throttled send waits before trying again (plus jitter). */
const THROTTLE_DELAY_MS = 30_000;

export type SendOutcome = 'sent' | 'skipped' | 'cancelled' | 'failed' | 'rescheduled' | 'noop';

/**
 * The worker's whole job for one due send: re-read the ledger, decide, claim,
 * render, send, record. A job is only a reminder; the row says what is true.
 */
export async function sendMilestone(deps: JobDeps, data: SendJobData, job: Job, token?: string): Promise<SendOutcome> {
  for (let look = 0; look < MAX_LOOKS; look++) {
    const row = await deps.ledger.getSend(data.sendId);
    if (!row || !PENDING_STATUSES.includes(row.status)) return 'noop';
    const outcome = await decideAndAct(deps, row, job, token);
    if (outcome === MOVED) continue;
    if (outcome !== 'noop') deps.metrics?.sendOutcomes.inc({ milestone: row.milestone, outcome });
    return outcome;
  }
  return 'noop';
}

/**
 * The row was moved between the worker's read and its reschedule (a dispute
 * closed while its hold was being decided): decided again from what it says
 * now, a few times at most; past that the promoter brings it back.
 */
const MOVED = 'moved';
const MAX_LOOKS = 3;

async function decideAndAct(deps: JobDeps, row: SendRow, job: Job, token?: string): Promise<SendOutcome | typeof MOVED> {
  const { ledger, clock } = deps;
  const orderRow = await ledger.getOrder(row.orderId);
  if (!orderRow) return 'noop';
  const order = orderFromRow(orderRow);
  const milestone = row.milestone as Milestone;
  const now = clock.now();
  const log = deps.logger.child({ orderId: order.orderId, milestone, jobId: job.id, attempt: job.attemptsMade + 1 });

  const decision = await decideSend(deps, row, orderRow, now);
  switch (decision.kind) {
    case 'cancel':
      await ledger.recordCancelled(row.id, orderRow.stateReason ?? 'cancelled', now.toMillis());
      log.info('send cancelled: order cancelled');
      return 'cancelled';
    case 'skip':
      await ledger.recordSkip(row.id, decision.reason, now.toMillis());
      log.info({ reason: decision.reason }, 'send skipped');
      return 'skipped';
    case 'reschedule':
      if (decision.hold) log.info({ hold: decision.hold, until: decision.at.toISO() }, 'send held');
      return rescheduleJob(deps, row, decision.at, job, token);
    case 'send':
      return (await pace(deps, row, order, job, log, token)) ?? deliver(deps, row, orderRow, order, job, log, token);
  }
}

/**
 * The recipient domain's rate and the store's daily cap (src/mail/pacing.ts):
 * over either, the job waits for its reserved slot; it is never dropped. Not
 * for letters through a store's webhook channel, which reach no mailbox provider.
 */
async function pace(deps: JobDeps, row: SendRow, order: Order, job: Job, log: JobDeps['logger'], token?: string): Promise<SendOutcome | typeof MOVED | null> {
  if (!deps.pacing || !order.buyerEmail || storeIdentity(deps.config.file, order.store)?.channel === 'webhook') return null;
  // Job delays are in real time (BullMQ compares them with Redis's clock), so the slots are too.
  const decision = await deps.pacing.reserve({ sendId: row.id, email: order.buyerEmail, store: order.store, now: Date.now() });
  if (decision.at === null) return null;
  const now = deps.clock.now().toMillis();
  const capSetting = deps.config.deliverability.pacing.storeCaps[order.store] !== undefined ? `stores.${order.store}.dailyCap` : 'POSTSHIP_DAILY_CAP';
  const detail = decision.reason === 'cap' ? `store ${order.store} reached its daily cap (${capSetting})` : `rate limit for ${recipientDomain(order.buyerEmail)}`;
  await deps.ledger.recordDeferral({ source: 'pacing', sendId: row.id, email: order.buyerEmail, store: order.store, detail }, now);
  deps.metrics?.sendOutcomes.inc({ milestone: row.milestone, outcome: 'deferred' });
  log.debug({ until: new Date(decision.at).toISOString(), reason: decision.reason }, 'send deferred by pacing');
  if (!token || decision.at - Date.now() > deps.config.horizonMs) {
    // Back to the ledger; the promoter brings it back.
    return (await deps.ledger.reschedule(row.id, decision.at, 'scheduled', now, row)) ? 'rescheduled' : MOVED;
  }
  await job.moveToDelayed(decision.at, token);
  throw new DelayedError();
}

async function rescheduleJob(deps: JobDeps, row: SendRow, at: DateTime, job: Job, token?: string): Promise<SendOutcome | typeof MOVED> {
  const now = deps.clock.now().toMillis();
  if (at.toMillis() - now > deps.config.horizonMs || !token) {
    // Back to the ledger; the promoter brings it back.
    return (await deps.ledger.reschedule(row.id, at.toMillis(), 'scheduled', now, row)) ? 'rescheduled' : MOVED;
  }
  if (!(await deps.ledger.reschedule(row.id, at.toMillis(), 'queued', now, row))) return MOVED;
  await job.moveToDelayed(at.toMillis(), token);
  throw new DelayedError();
}

async function deliver(
  deps: JobDeps,
  row: SendRow,
  orderRow: OrderRow,
  order: Order,
  job: Job,
  log: JobDeps['logger'],
  token?: string,
): Promise<SendOutcome> {
  const { ledger, clock, config } = deps;
  const now = clock.now().toMillis();
  const claimed = await ledger.grouped.claimSend(row.id, now, config.claimLeaseMs);
  if (!claimed) {
    const current = await ledger.getSend(row.id);
    if (current?.status === 'sending' && current.claimedAt !== null && token) {
      // Claimed by a worker that may have died mid-send: look again when its lease ends.
      log.debug('send claimed elsewhere; checking again when the claim expires');
      await job.moveToDelayed(current.claimedAt + config.claimLeaseMs + 100, token);
      throw new DelayedError();
    }
    return 'noop';
  }
  const milestone = row.milestone as Milestone;
  const store = storeIdentity(config.file, order.store);
  let message: ReturnType<typeof composeMessage>;
  let rendered: ReturnType<typeof renderMessage>;
  try {
    const eventAt = await eventTimeFor(deps, order.orderId, milestone);
    const lastEventAt = orderRow.lastEventAt;
    const context = buildContext({
      order,
      milestone,
      profile: deps.profiles(order),
      store,
      eventAt: eventAt === null ? null : DateTime.fromMillis(eventAt, { zone: 'utc' }),
      momentAt: DateTime.fromMillis(row.dueAt, { zone: 'utc' }),
      lastEventAt: lastEventAt === null ? null : DateTime.fromMillis(lastEventAt, { zone: 'utc' }),
      seq: row.seq,
      // Learned from 20+ deliveries of this lane, when there are that many (cached per process).
      transitTable: await learnedTransitTable(ledger, order.carrier, order.country),
      // feedback_thanks and dispute_reply: the rating or dispute they answer, and the scans so far.
      reply: await replyFactsFor(ledger, order.orderId, milestone, row.seq),
      // What the tracking says now: delivered, the customs stage, out for delivery or pickup, the feed.
      parcel: await parcelFactsFor(ledger, orderRow),
    });
    // Review requests and delay notices carry RFC 8058 one-click unsubscribe and a visible link (README "Deliverability").
    const optOut = OPTIONAL_LETTERS.has(milestone) && order.buyerEmail ? unsubscribeUrl(deps.unsubscribe.publicUrl, deps.unsubscribe.secret, order.buyerEmail) : null;
    rendered = renderMessage(deps.templates, milestone, optOut ? Object.assign({}, context, unsubscribeContext(optOut, context.buyer.locale)) : context, store?.templates);
    if (optOut) rendered = { ...rendered, text: textFooter(rendered.text, optOut, rendered.locale) };
    const { dkim, verpDomain, postmarkReviewStream } = config.deliverability;
    // Postmark wants review requests (not transactional) in a broadcast stream of their own.
    const stream: Record<string, string> = milestone === 'day14' && postmarkReviewStream ? { 'X-PM-Message-Stream': postmarkReviewStream } : {};
    const extraHeaders: Record<string, string> = { ...(optOut ? listUnsubscribeHeaders(optOut) : {}), ...stream };
    message = composeMessage({
      order, milestone, sendId: row.id, resendOf: row.resendOf, rendered, store, defaultFrom: config.from, extraHeaders,
      dkim: dkimKeyFor(dkim, order.store), verpDomain,
    });
    // A store on the webhook channel gets the same rendered message as JSON, signed, through the same claim and record.
    // So does a buyer without an email address who has a channel id (a marketplace buyer), whatever the store's default.
    const viaChannel = store?.channel === 'webhook' || (order.buyerEmail === '' && Boolean(orderRow.buyerChannelId));
    if (viaChannel && !store?.webhookUrl) throw new Error(`store ${order.store} has no webhookUrl for its webhook channel (config stores.${order.store}.webhookUrl)`);
    if (viaChannel && store?.webhookUrl) {
      message.channel = { url: store.webhookUrl, payload: channelPayload(message, order, milestone, rendered.locale, deps.profiles(order).trackingUrl) };
    }
  } catch (err) {
    // A broken template fails the same way every time: record it, do not retry.
    await ledger.recordFailed(row.id, `render failed: ${(err as Error).message}`, clock.now().toMillis());
    log.error({ err: (err as Error).message }, 'render failed');
    return 'failed';
  }
  const started = Date.now();
  let acceptedAt = 0;
  let unrecorded: { facts: SentFacts; err: unknown } | null = null;
  try {
    // Recorded inside send: the connection carries nothing else until the ledger says sent.
    await deps.transport.send(message, async (result) => {
      const facts = {
        messageId: result.messageId || message.messageId,
        smtpResponse: result.response,
        subject: message.subject,
        template: rendered.template,
        locale: rendered.locale,
      };
      acceptedAt = clock.now().toMillis();
      try {
        await ledger.grouped.recordSent(row.id, facts, acceptedAt);
      } catch (err) {
        unrecorded = { facts, err };
        throw err;
      }
    });
    deps.metrics?.sendDuration.observe({ milestone }, (Date.now() - started) / 1000);
    deps.metrics?.dueLag.observe({ milestone }, Math.max(0, acceptedAt - row.dueAt) / 1000);
    log.info({ messageId: message.messageId, ms: Date.now() - started }, 'sent');
    return 'sent';
  } catch (err) {
    if (unrecorded) return keepUnrecorded(deps, row, unrecorded, acceptedAt, log);
    return handleSendError(deps, row, order.buyerEmail, order.store, err, job, log);
  }
}

/**
 * The SMTP server accepted the message, the ledger refused the record (disk
 * full): it was sent, so it must be neither retried nor re-decided. It stays
 * `sending` under its claim, and is recorded as sent once writes succeed.
 */
async function keepUnrecorded(deps: JobDeps, row: SendRow, unrecorded: { facts: SentFacts; err: unknown }, acceptedAt: number, log: JobDeps['logger']): Promise<SendOutcome> {
  const reason = (unrecorded.err as Error)?.message ?? String(unrecorded.err);
  deps.ledger.noteWriteFailure(unrecorded.err);
  try {
    await deps.ledger.noteUnrecorded(row.id, `accepted by SMTP (${unrecorded.facts.messageId}), not yet recorded: ${reason}`, acceptedAt);
  } catch {
    // The note is a courtesy: the same full disk refuses it; the log line below is the record until then.
  }
  unrecordedFor(deps.ledger, deps.logger).add(row.id, unrecorded.facts, acceptedAt);
  log.error({ messageId: unrecorded.facts.messageId, err: reason }, 'sent but not recorded: the database refused the write; kept as sending, recorded once it takes writes');
  return 'sent';
}

/** The tracking event a message speaks of: customs/post office (a pickup notice counts), or the pickup. */
async function eventTimeFor(deps: JobDeps, orderId: string, milestone: Milestone): Promise<number | null> {
  if (milestone === 'pickup_reminder') return await deps.ledger.firstEventAt(orderId, 'pickup');
  if (!isEventMilestone(milestone)) return null;
  const first = await deps.ledger.firstEventAt(orderId, milestone);
  if (milestone !== 'post_office') return first;
  const pickup = await deps.ledger.firstEventAt(orderId, 'pickup');
  return first === null ? pickup : pickup === null ? first : Math.min(first, pickup);
}

async function handleSendError(
  deps: JobDeps,
  row: SendRow,
  email: string,
  store: string,
  err: unknown,
  job: Job,
  log: JobDeps['logger'],
): Promise<SendOutcome> {
  const { ledger, clock } = deps;
  const now = clock.now().toMillis();
  const kind = classifySendError(err);
  const reason = describeSendError(err);
  if (kind === 'permanent' && err instanceof ChannelError) {
    // The receiver refused it (a 4xx): recorded as failed, but no email address bounced.
    await ledger.recordFailed(row.id, reason, now);
    log.warn({ reason }, 'webhook channel refused the message; not retried');
    return 'failed';
  }
  if (kind === 'permanent') {
    await ledger.recordFailed(row.id, reason, now);
    await ledger.suppress(email, 'all', `hard bounce: ${reason}`, now);
    log.warn({ reason }, 'send failed permanently; address suppressed');
    return 'failed';
  }
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  if (kind === 'transient' && lastAttempt) {
    await ledger.recordFailed(row.id, `gave up after ${job.attemptsMade + 1} attempts: ${reason}`, now);
    log.error({ reason }, 'send failed after the last attempt');
    return 'failed';
  }
  await ledger.releaseClaim(row.id, reason, now);
  if (kind === 'throttled' && job.token) {
    // Throttling is the server pacing us, not a failure: that domain (only) slows down; wait without using up an attempt.
    await ledger.recordDeferral({ source: 'smtp', sendId: row.id, email, store, detail: reason }, now);
    let at = Date.now() + THROTTLE_DELAY_MS * (1 + Math.random());
    if (deps.pacing && email) {
      await deps.pacing.throttled(email, Date.now());
      at = (await deps.pacing.reserve({ sendId: row.id, email, store, now: Date.now() })).at ?? at;
    }
    log.warn({ reason, until: new Date(at).toISOString() }, 'send throttled; retrying later');
    await job.moveToDelayed(at, job.token);
    throw new DelayedError();
  }
  log.warn({ reason }, 'send failed; will retry');
  throw err instanceof Error ? err : new Error(reason);
}

