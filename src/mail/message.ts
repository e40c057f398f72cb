/** A rendered message and the transports that carry it (SMTP, outbox, SMTP thread, webhook channel). */
import type { DkimKey } from './dkim.js';

export interface ChannelPayload {
  messageId: string;
  store: string;
  orderId: string;
  milestone: string;
  locale: string;
  buyer: { name: string; email: string | null; channelId: string | null };
  subject: string;
  text: string;
  html: string;
  trackingNumber: string;
  trackingUrl: string | null;
}

export interface OutgoingMessage {
  from: string;
  replyTo?: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
  /** nodemailer signs the message with it (the store's key, src/mail/dkim.ts). */
  dkim?: DkimKey;
  /** SMTP envelope: a VERP return path `bounces+<send id>@domain` names the send a bounce is about. */
  envelope?: { from: string; to: string };
  /** Used to name the outbox file. */
  fileStem: string;
  /** Set when the store delivers through its webhook (channel "webhook"): POSTed there instead of mailed. */
  channel?: { url: string; payload: ChannelPayload };
}

export interface SendResult {
  messageId: string;
  response: string;
}

/** Records an accepted message durably (the ledger's `sent`); see MailTransport.send. */
export type RecordAcceptance = (result: SendResult) => Promise<void>;

/** Where messages go: a real SMTP server, or .eml files in an outbox folder. */
export interface MailTransport {
  readonly description: string;
  /**
   * Sends one message. With `record`, the transport runs it once the server
   * has accepted the message and before that connection carries another one:
   * a crash between acceptance and record can then repeat at most one message
   * per connection (README "Delivery guarantee"). A record that throws fails
   * the send with its error.
   */
  send(message: OutgoingMessage, record?: RecordAcceptance): Promise<SendResult>;
  /** Connects (and authenticates) or checks the folder is writable; throws on failure. */
  verify(): Promise<void>;
  close(): void | Promise<void>;
}
