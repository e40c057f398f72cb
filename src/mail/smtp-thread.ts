import { parentPort, workerData } from 'node:worker_threads';
import { smtpTransport } from './transport.js';
import type { ThreadReply, ThreadRequest } from './threaded-transport.js';

/**
 * The SMTP thread: a pooled nodemailer transport of its own. Building and
 * encoding MIME and writing it to the sockets costs about as much CPU as the
 * rest of a send together; here it runs beside the worker's event loop
 * instead of on it. Errors travel back as their SMTP facts (code,
 * responseCode, command, response), which is all the retry policy reads.
 */
const { smtpUrl, timeoutMs } = workerData as { smtpUrl: string; timeoutMs: number };
const transport = smtpTransport(smtpUrl, { timeoutMs });
const port = parentPort!;

function reply(message: ThreadReply): void {
  port.postMessage(message);
}

function failure(id: number, err: unknown): ThreadReply {
  const e = (err ?? {}) as Record<string, unknown>;
  const pick = (key: string) => (typeof e[key] === 'string' || typeof e[key] === 'number' ? e[key] : undefined);
  return {
    kind: 'failed',
    id,
    error: {
      message: err instanceof Error ? err.message : String(err),
      code: pick('code') as string | undefined,
      responseCode: pick('responseCode') as number | undefined,
      command: pick('command') as string | undefined,
      response: pick('response') as string | undefined,
    },
  };
}

port.on('message', (request: ThreadRequest) => {
  switch (request.kind) {
    case 'send':
      transport.send(request.message).then(
        (result) => reply({ kind: 'sent', id: request.id, result }),
        (err) => reply(failure(request.id, err)),
      );
      return;
    case 'verify':
      transport.verify().then(
        () => reply({ kind: 'verified', id: request.id }),
        (err) => reply(failure(request.id, err)),
      );
      return;
    case 'close':
      transport.close();
      reply({ kind: 'closed', id: request.id });
      port.close();
      return;
  }
});
