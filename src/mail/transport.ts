import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { lazySesTransport } from './ses.js';
import { pooledUrl, redactUrl } from './smtp-url.js';
import { threadedSmtpTransport } from './threaded-transport.js';

// The message and transport types live in message.ts, so the transports that implement them do not import this factory.
export type { MailTransport, OutgoingMessage, RecordAcceptance, SendResult } from './message.js';
import type { MailTransport, OutgoingMessage, RecordAcceptance, SendResult } from './message.js';

function toMail(message: OutgoingMessage) {
  const { fileStem: _unused, ...mail } = message;
  return { ...mail, date: new Date() };
}

export function smtpTransport(smtpUrl: string, options: { timeoutMs?: number } = {}): MailTransport {
  const timeout = options.timeoutMs ?? 30_000;
  const transporter: Transporter = nodemailer.createTransport(pooledUrl(smtpUrl), {
    // nodemailer's defaults wait minutes on a dead server; a worker should fail fast and retry.
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
  } as object);
  return {
    description: `SMTP ${redactUrl(smtpUrl)}`,
    async send(message, record) {
      const info = await transporter.sendMail(toMail(message));
      const result = { messageId: info.messageId, response: String(info.response ?? '') };
      // On this thread the pool's next message needs network round trips, which come after this turn's commit.
      await record?.(result);
      return result;
    },
    async verify() {
      await transporter.verify();
    },
    close() {
      transporter.close();
    },
  };
}

/** Writes each message as an .eml file: the default when no SMTP server is configured. */
export function outboxTransport(dir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `outbox ${dir}`,
    async send(message, record) {
      const info = await transporter.sendMail(toMail(message));
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${message.fileStem.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
      // Write then rename: a reader never sees half a message.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, info.message as Buffer);
      await rename(tmp, file);
      const result = { messageId: info.messageId, response: `250 written to ${file}` };
      await record?.(result);
      return result;
    },
    async verify() {
      await mkdir(dir, { recursive: true });
      const probe = join(dir, `.probe-${process.pid}`);
      await writeFile(probe, '');
      await rename(probe, `${probe}.done`);
      const { rm } = await import('node:fs/promises');
      await rm(`${probe}.done`, { force: true });
    },
    close() {
      transporter.close();
    },
  };
}

/**
 * SMTP for long-running workers goes through a thread of its own (see
 * smtp-thread.ts) unless `thread` is false; one-shot commands send inline.
 */
export function createTransport(
  config: { smtpUrl: string | null; outbox: string; deliverability?: { transport: 'smtp' | 'ses' } },
  options: { thread?: boolean } = {},
): MailTransport {
  if (config.deliverability?.transport === 'ses') return lazySesTransport();
  if (!config.smtpUrl) return outboxTransport(config.outbox);
  return options.thread ? threadedSmtpTransport(config.smtpUrl) : smtpTransport(config.smtpUrl);
}
