import { workerData } from 'node:worker_threads';
import { serveOffThread } from '../off-thread.js';
import type { SendResult } from './message.js';
import type { SmtpThreadRequest } from './threaded-transport.js';
import { smtpTransport } from './transport.js';

/**
 * The SMTP thread: a pooled nodemailer transport of its own. Building and
 * encoding MIME and writing it to the sockets costs about as much CPU as the
 * rest of a send together; here it runs beside the worker's event loop
 * instead of on it. Errors travel back with their SMTP facts (code,
 * responseCode, command, response: see off-thread.ts), which is all the retry
 * policy reads. On stop it closes the pool (QUIT to the server).
 */
const { smtpUrl, timeoutMs } = workerData as { smtpUrl: string; timeoutMs: number };
const transport = smtpTransport(smtpUrl, { timeoutMs });

serveOffThread<SmtpThreadRequest, SendResult | null>(
  async (request) => {
    if (request.kind === 'send') return transport.send(request.message);
    await transport.verify();
    return null;
  },
  { onStop: () => transport.close() },
);
