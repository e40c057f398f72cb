import { Worker } from 'node:worker_threads';
import { threadScript } from '../paths.js';
import { redactUrl } from './smtp-url.js';
import type { MailTransport, OutgoingMessage, SendResult } from './message.js';

/** nodemailer's pool size when the URL does not set `maxConnections`. */
const NODEMAILER_POOL_SIZE = 5;

export type ThreadRequest =
  | { kind: 'send'; id: number; message: OutgoingMessage }
  | { kind: 'verify'; id: number }
  | { kind: 'close'; id: number };

export interface SmtpFacts {
  message: string;
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}

export type ThreadReply =
  | { kind: 'sent'; id: number; result: SendResult }
  | { kind: 'verified'; id: number }
  | { kind: 'closed'; id: number }
  | { kind: 'failed'; id: number; error: SmtpFacts };

/** An SMTP failure rebuilt on this side of the thread, with the fields classifySendError reads. */
export class SmtpThreadError extends Error {
  readonly code?: string;
  readonly responseCode?: number;
  readonly command?: string;
  readonly response?: string;
  constructor(facts: SmtpFacts) {
    super(facts.message);
    this.name = 'SmtpThreadError';
    this.code = facts.code;
    this.responseCode = facts.responseCode;
    this.command = facts.command;
    this.response = facts.response;
  }
}

interface Pending {
  /** The thread the request went to: only its own death fails the request. */
  worker: Worker;
  resolve(reply: ThreadReply): void;
  reject(err: Error): void;
}

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
  const pending = new Map<number, Pending>();
  let thread: Worker | null = null;
  let nextId = 1;

  function failAll(worker: Worker, reason: string): void {
    const err = Object.assign(new Error(`SMTP thread stopped: ${reason}`), { code: 'ESTREAM' });
    for (const [id, p] of pending) {
      if (p.worker !== worker) continue;
      pending.delete(id);
      p.reject(err);
    }
  }

  function start(): Worker {
    const worker = new Worker(threadScript(import.meta.url, 'smtp-thread'), { workerData: { smtpUrl, timeoutMs } });
    worker.unref(); // only sends in flight keep the process alive (see request)
    worker.on('message', (reply: ThreadReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (pending.size === 0) worker.unref();
      if (reply.kind === 'failed') p.reject(new SmtpThreadError(reply.error));
      else p.resolve(reply);
    });
    worker.on('error', (err) => {
      if (thread === worker) thread = null;
      failAll(worker, err.message);
    });
    worker.on('exit', (code) => {
      if (thread === worker) thread = null;
      failAll(worker, `exited with code ${code}`);
    });
    return worker;
  }

  function request(
    body: { kind: 'send'; message: OutgoingMessage } | { kind: 'verify' } | { kind: 'close' },
  ): Promise<ThreadReply> {
    thread ??= start();
    const worker = thread;
    const id = nextId++;
    return new Promise<ThreadReply>((resolve, reject) => {
      pending.set(id, { worker, resolve, reject });
      worker.ref();
      worker.postMessage({ ...body, id } as ThreadRequest);
    });
  }

  // Started now, so the first due message does not wait for the thread to load nodemailer.
  thread = start();

  return {
    description: `SMTP ${redactUrl(smtpUrl)} (on its own thread)`,
    async send(message, record) {
      await acquire();
      try {
        const reply = await request({ kind: 'send', message });
        if (reply.kind !== 'sent') throw new Error(`SMTP thread answered ${reply.kind} to a send`);
        await record?.(reply.result);
        return reply.result;
      } finally {
        release();
      }
    },
    async verify() {
      await request({ kind: 'verify' });
    },
    async close() {
      const worker = thread;
      if (!worker) return;
      // The BullMQ worker has finished its jobs by now; the thread says QUIT to the server.
      const closed = request({ kind: 'close' }).catch(() => undefined);
      thread = null;
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate();
    },
  };
}
