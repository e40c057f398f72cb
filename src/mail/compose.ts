import { messageIdFor } from '../domain/message-id.js';
import type { Milestone } from '../domain/milestones.js';
import type { Order } from '../domain/order.js';
import type { StoreIdentity } from '../domain/profile.js';
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
      ...input.extraHeaders,
    },
    fileStem: `${input.sendId}-${input.order.orderId}-${input.milestone}`,
  };
}
