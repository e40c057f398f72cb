import { createHmac } from 'node:crypto';
import { findCarrier, trackingLink } from '../domain/carriers.js';
import type { Order } from '../domain/order.js';
import type { MailTransport, OutgoingMessage, SendResult } from './message.js';

/** What a webhook-channel delivery carries, JSON in the POST body (README "Channels"). */
export type { ChannelPayload } from './message.js';
import type { ChannelPayload } from './message.js';

/** The payload of one message: the worker's and `preview --channel webhook`'s. */
export function channelPayload(
  message: Pick<OutgoingMessage, 'messageId' | 'subject' | 'text' | 'html'>,
  order: Order,
  milestone: string,
  locale: string,
  profileTrackingUrl: string | null,
): ChannelPayload {
  const template = profileTrackingUrl ?? findCarrier(order.carrier)?.trackingUrl ?? null;
  return {
    messageId: message.messageId,
    store: order.store,
    orderId: order.orderId,
    milestone,
    locale,
    buyer: { name: order.buyerName, email: order.buyerEmail || null, channelId: order.buyerChannelId ?? null },
    subject: message.subject,
    text: message.text,
    html: message.html,
    trackingNumber: order.trackingNumber,
    trackingUrl: template ? trackingLink(template, order.trackingNumber) : null,
  };
}

/** `x-postship-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of t + "." + body>`: receivers can refuse replays by t. */
export function channelSignature(body: string, secret: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/**
 * A failed delivery described with the SMTP facts the shared retry rules read
 * (smtp-errors.ts): network errors, timeouts, 5xx and 408 are transient, 429
 * is throttling (421), any other 4xx is permanent (550). `channel` tells the
 * worker not to suppress an email address for a receiver's refusal.
 */
export class ChannelError extends Error {
  readonly channel = 'webhook';
  constructor(message: string, readonly code: string, readonly responseCode?: number, readonly response?: string) {
    super(message);
    this.name = 'ChannelError';
  }
}

function classify(status: number, excerpt: string): ChannelError {
  const response = `HTTP ${status}: ${excerpt}`;
  if (status === 429) return new ChannelError(response, 'EHTTP', 421, response);
  if (status === 408 || status >= 500) return new ChannelError(response, 'ECONNECTION', undefined, response);
  return new ChannelError(response, 'EHTTP', 550, response);
}

export interface WebhookChannelOptions {
  /** The signing secret of a store's channel; null refuses to send (transient, logged: configure it). */
  secretFor(store: string): string | null;
  timeoutMs?: number;
  nowSeconds?: () => number;
}

/**
 * The webhook channel as a transport: the worker's claim, record and retry
 * logic is the email's, unchanged. `record` runs once the receiver answered
 * 2xx, before anything else goes out on this send.
 */
export function webhookChannelTransport(options: WebhookChannelOptions): MailTransport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return {
    description: 'webhook channel',
    async send(message, record) {
      const channel = message.channel;
      if (!channel) throw new ChannelError('not a webhook-channel message', 'EHTTP', 550);
      const secret = options.secretFor(channel.payload.store);
      if (!secret) throw new ChannelError(`no channel secret for store ${channel.payload.store} (POSTSHIP_CHANNEL_SECRET)`, 'ECONFIG');
      const body = JSON.stringify(channel.payload);
      let res: Response;
      try {
        res = await fetch(channel.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-postship-signature': channelSignature(body, secret, nowSeconds()), 'x-postship-message-id': message.messageId, 'user-agent': 'postship' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
      } catch (err) {
        const e = err as Error;
        throw new ChannelError(`webhook channel ${e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : e.message}`, e.name === 'TimeoutError' ? 'ETIMEDOUT' : 'ECONNECTION');
      }
      const excerpt = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
      if (res.status < 200 || res.status >= 300) throw classify(res.status, excerpt);
      const result: SendResult = { messageId: message.messageId, response: `HTTP ${res.status} ${excerpt}`.trim() };
      await record?.(result);
      return result;
    },
    async verify() {},
    close() {},
  };
}

/** Email for messages without a channel, the webhook channel for those with one. */
export function routingTransport(email: MailTransport, webhook: MailTransport): MailTransport {
  return {
    // The email transport names it (doctor, logs): the webhook channel has no connection of its own to describe.
    description: email.description,
    send: (message: OutgoingMessage, record) => (message.channel ? webhook.send(message, record) : email.send(message, record)),
    verify: () => email.verify(),
    async close() {
      await Promise.all([email.close(), webhook.close()]);
    },
  };
}

/** A store's channel secret: POSTSHIP_CHANNEL_SECRET_<STORE> (upper case, other characters as _), else POSTSHIP_CHANNEL_SECRET. */
export function channelSecretFrom(env: Record<string, string | undefined>) {
  return (store: string): string | null => {
    const own = env[`POSTSHIP_CHANNEL_SECRET_${store.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`]?.trim();
    const shared = env.POSTSHIP_CHANNEL_SECRET?.trim();
    return own || shared || null;
  };
}
