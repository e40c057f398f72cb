import { messageIdFor } from '../domain/message-id.js';
import type { Milestone } from '../domain/milestones.js';
import type { Order } from '../domain/order.js';
import type { StoreIdentity } from '../domain/profile.js';
import type { DkimKey } from './dkim.js';
import { oneLine, type RenderedMessage } from './render.js';
import type { OutgoingMessage } from './transport.js';

export interface ComposeInput {
  order: Order;
  milestone: Milestone;
  sendId: number;
  resendOf: number | null;
  rendered: RenderedMessage;
  store: StoreIdentity | undefined;
  defaultFrom: string;
  extraHeaders?: Record<string, string>;
  /** The store's DKIM key, when it has one (or the default). */
  dkim?: DkimKey;
  /** POSTSHIP_VERP_DOMAIN: the envelope sender becomes `bounces+<send id>@<domain>`. */
  verpDomain?: string | null;
}

/** The VERP return path for a send, and the send id back out of a bounce's recipient. */
export function verpAddress(sendId: number, domain: string): string {
  return `bounces+${sendId}@${domain}`;
}

export function sendIdFromVerp(address: string): number | null {
  const m = /^bounces\+(\d+)@/i.exec(address.trim().replace(/^<|>$/g, ''));
  return m ? Number(m[1]) : null;
}

/** Gmail's feedback loop groups complaints by these fields, the sender id last (`store:milestone:postship`). */
export function feedbackId(store: string, milestone: string): string {
  return `${store.replace(/[^A-Za-z0-9._-]/g, '_')}:${milestone}:postship`;
}

/** The envelope around a rendered message: sender per store, stable Message-ID, safe headers. */
export function composeMessage(input: ComposeInput): OutgoingMessage {
  const from = input.store?.from ?? input.defaultFrom;
  return {
    from,
    replyTo: input.store?.replyTo,
    // nodemailer encodes the display name; oneLine() keeps a CR/LF in it from reaching the header.
    to: { name: oneLine(input.order.buyerName), address: input.order.buyerEmail },
    subject: input.rendered.subject,
    text: input.rendered.text,
    html: input.rendered.html,
    messageId: messageIdFor(input.order.orderId, input.milestone, from, input.resendOf, input.sendId),
    headers: {
      'X-Postship-Order': oneLine(input.order.orderId),
      'X-Postship-Milestone': input.milestone,
      'Feedback-ID': feedbackId(input.order.store, input.milestone),
      ...input.extraHeaders,
    },
    dkim: input.dkim,
    envelope: input.verpDomain ? { from: verpAddress(input.sendId, input.verpDomain), to: input.order.buyerEmail } : undefined,
    fileStem: `${input.sendId}-${input.order.orderId}-${input.milestone}`,
  };
}
