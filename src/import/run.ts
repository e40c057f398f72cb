import type { OrderServiceDeps } from '../services/orders.js';
import type { PreparedBatch } from './batches.js';
import type { ImportReader } from './reader.js';
import { importOrders, type ImportSummary } from './write.js';

export interface ImportRun {
  summary: ImportSummary;
  /** Sends handed to Redis while the file was read (the rest is the promoter's). */
  queuedEarly: number;
}

/**
 * One import from its reader thread into the ledger. What is due goes into
 * Redis batch by batch while the file is still being read (Redis works on the
 * other core meanwhile). If Redis refuses, those sends go back to scheduled
 * and the rest is written as scheduled: the promoter owns them, and the
 * caller's final promotion reports the outage once, clearly.
 */
export async function runImport(
  deps: OrderServiceDeps & { horizonMs: number },
  reader: Pick<ImportReader, 'enqueue'>,
  batches: AsyncIterable<PreparedBatch>,
  options: { keepInvalid: number; onProgress?(summary: ImportSummary, bytesRead: number): void },
): Promise<ImportRun> {
  let queuedEarly = 0;
  let redisTrouble = false;
  const summary = await importOrders(deps, batches, {
    keepInvalid: options.keepInvalid,
    onProgress: options.onProgress,
    queueDue: {
      horizonMs: deps.horizonMs,
      accepting: () => !redisTrouble,
      enqueue: async (sends, now) => {
        try {
          await reader.enqueue(sends, now);
          queuedEarly += sends.length;
        } catch {
          redisTrouble = true;
          await deps.ledger.markScheduled(sends.map((s) => s.id), now);
        }
      },
    },
  });
  return { summary, queuedEarly };
}
