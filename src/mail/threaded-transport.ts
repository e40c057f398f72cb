import { startOffThread } from '../off-thread.js';
import { threadScript } from '../paths.js';
import { redactUrl } from './smtp-url.js';
import type { MailTransport, OutgoingMessage, SendResult } from './message.js';

/** nodemailer's pool size when the URL does not set `maxConnections`. */
const NODEMAILER_POOL_SIZE = 5;

/** What the SMTP thread is asked: a message to send, or a check of the server. */
export type SmtpThreadRequest = { kind: 'send'; message: OutgoingMessage } | { kind: 'verify' };

/** How many messages the pool can carry at once: one per connection. */
function poolSize(smtpUrl: string): number {
  const value = Number(new URL(smtpUrl).searchParams.get('maxConnections'));
  return Number.isInteger(value) && value > 0 ? value : NODEMAILER_POOL_SIZE;
}

/**
 * An SMTP transport whose nodemailer pool lives on a worker thread (see
 * smtp-thread.ts). If the thread ever dies, the sends in flight fail as
 * transient (the ledger releases their claims and BullMQ retries them) and
 * the next send starts a new thread.
 *
 * The thread is handed at most one message per pool connection, and a
 * connection's next message only once the previous one is recorded: the
 * answer crosses threads, so without that gate a connection could carry on
 * sending while the main thread has yet to record what it accepted, and a
 * crash would repeat more than one message per connection.
 */
export function threadedSmtpTransport(smtpUrl: string, options: { timeoutMs?: number } = {}): MailTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const slots = poolSize(smtpUrl);
  let busy = 0;
  const waiting: Array<() => void> = [];
  const acquire = (): Promise<void> | void => {
    if (busy < slots) {
      busy += 1;
      return;
    }
    return new Promise<void>((resolve) => waiting.push(resolve)); // the slot passes straight to the waiter
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else busy -= 1;
  };
  const start = () => startOffThread<SmtpThreadRequest, SendResult | null>(threadScript(import.meta.url, 'smtp-thread'), { workerData: { smtpUrl, timeoutMs } });
  // A thread that died failed its sends in flight as transient (ESTREAM): the next request starts a new one.
  let thread = start();
  const request = (body: SmtpThreadRequest) => {
    if (!thread.running) thread = start();
    return thread.request(body);
  };

  return {
    description: `SMTP ${redactUrl(smtpUrl)} (on its own thread)`,
    async send(message, record) {
      await acquire();
      try {
        // An SMTP failure comes back as OffThreadError carrying nodemailer's facts (code, responseCode, command, response).
        const result = (await request({ kind: 'send', message })) as SendResult;
        await record?.(result);
        return result;
      } finally {
        release();
      }
    },
    async verify() {
      await request({ kind: 'verify' });
    },
    // The BullMQ worker has finished its jobs by now; the thread says QUIT to the server (2 s at most).
    close: () => thread.stop(2000),
  };
}
