/**
 * POSTSHIP_TRANSPORT=ses: nodemailer's SES transport over AWS's SESv2 client
 * (SendEmail with the raw MIME message), credentials and region from the
 * standard AWS chain (AWS_REGION, AWS_ACCESS_KEY_ID / AWS_PROFILE, instance
 * roles...). AWS_ENDPOINT_URL_SESV2 points it elsewhere (the tests' stand-in).
 */
import nodemailer from 'nodemailer';
import type { MailTransport, OutgoingMessage } from './message.js';

/** SES errors as the retry policy reads them: throttling is a 451, anything else is ours to retry (SES reports bounces later, by event). */
export class SesSendError extends Error {
  readonly code = 'ESES';
  readonly responseCode?: number;
  readonly response: string;
  constructor(err: { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }) {
    super(`SES ${err.name ?? 'error'}: ${err.message ?? ''}`.trim());
    this.name = 'SesSendError';
    const throttled = err.name === 'TooManyRequestsException' || err.name === 'LimitExceededException' || err.$metadata?.httpStatusCode === 429;
    this.responseCode = throttled ? 451 : undefined;
    this.response = this.message;
  }
}

function toMail(message: OutgoingMessage) {
  const { fileStem: _stem, channel: _channel, ...mail } = message;
  return { ...mail, date: new Date() };
}

export async function sesTransport(): Promise<MailTransport> {
  const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
  const sesClient = new SESv2Client({});
  const transporter = nodemailer.createTransport({ SES: { sesClient, SendEmailCommand } } as never);
  return {
    description: 'Amazon SES (SESv2 SendEmail)',
    async send(message, record) {
      let info: { messageId: string; response?: unknown };
      try {
        info = await transporter.sendMail(toMail(message));
      } catch (err) {
        throw new SesSendError(err as Error);
      }
      // SES gives the message its own Message-ID (<id@region.amazonses.com>): that is the one its events name.
      const result = { messageId: info.messageId, response: `250 SES ${String(info.response ?? '')}` };
      await record?.(result);
      return result;
    },
    async verify() {
      await transporter.verify();
    },
    close() {
      transporter.close();
      sesClient.destroy();
    },
  };
}

/** The transport, created on first use (the SDK loads in a few hundred ms; one-shot commands may never send). */
export function lazySesTransport(): MailTransport {
  let ready: Promise<MailTransport> | null = null;
  const get = () => (ready ??= sesTransport());
  return {
    description: 'Amazon SES (SESv2 SendEmail)',
    send: async (message, record) => (await get()).send(message, record),
    verify: async () => (await get()).verify(),
    close: async () => {
      if (ready) (await ready).close();
    },
  };
}
