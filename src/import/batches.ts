import type { Clock } from '../domain/clock.js';
import { validateOrder, type Order } from '../domain/order.js';
import { planSends, type PlannedSend } from '../domain/plan.js';
import { checkTrackingNumber, type TrackingWarning } from '../domain/tracking-number.js';
import { asColumnProblem, type ImportRow } from './csv.js';
import type { ProfileResolver } from '../services/profiles.js';

/**
 * The import's first half, without a database: rows read, validated and
 * planned into batches. It runs on the import's helper thread, which loads
 * only this and the CSV reader, not the ledger's modules.
 */

export interface InvalidRow {
  line: number;
  problems: string[];
}

/** An order ready to write: validated and planned, in plain numbers so it crosses threads as it is. */
export interface PreparedOrder {
  /** The CSV line it came from (for a warning about it). */
  line: number;
  /** Whether the row gave shipped_at (else it is the time of the import, different on each run). */
  shippedAtGiven: boolean;
  order: Omit<Order, 'shippedAt'> & { shippedAt: number };
  planned: Array<{ milestone: PlannedSend['milestone']; dueAt: number; status: PlannedSend['status']; reason: PlannedSend['reason'] }>;
  /** The tracking number fits no format of its carrier: accepted, and said (checked here, on the reader's thread). */
  numberWarning: TrackingWarning | null;
}

/** One batch of rows read, validated and planned: what the import writes in one transaction. */
export interface PreparedBatch {
  rows: number;
  valid: PreparedOrder[];
  invalid: InvalidRow[];
  /** Bytes of the file read so far, for progress. */
  bytes: number;
}

/**
 * Validates and plans rows (as read, in chunks) into batches of `batchSize` valid orders.
 * No database: it runs on the import's own thread (thread.ts) while
 * the main thread writes the previous batch.
 */
export async function* prepareBatches(
  chunks: AsyncIterable<readonly ImportRow[]>,
  profiles: ProfileResolver,
  clock: Clock,
  batchSize: number,
  bytesRead: () => number = () => 0,
): AsyncGenerator<PreparedBatch> {
  let batch: PreparedBatch = { rows: 0, valid: [], invalid: [], bytes: 0 };
  let now = clock.now();
  for await (const chunk of chunks) {
    for (const row of chunk) {
      batch.rows += 1;
      const validation = row.input ? validateOrder(row.input, now) : null;
      if (!validation?.ok) {
        batch.invalid.push({ line: row.line, problems: validation ? validation.problems.map(asColumnProblem) : row.problems });
      } else {
        const order = validation.order;
        batch.valid.push({
          line: row.line,
          shippedAtGiven: Boolean(row.input?.shippedAt),
          order: { ...order, shippedAt: order.shippedAt.toMillis() },
          planned: planSends(order, profiles(order), now).map((p) => ({ milestone: p.milestone, dueAt: p.dueAt.toMillis(), status: p.status, reason: p.reason })),
          numberWarning: checkTrackingNumber(order.carrier, order.trackingNumber),
        });
      }
      if (batch.valid.length >= batchSize) {
        batch.bytes = bytesRead();
        yield batch;
        batch = { rows: 0, valid: [], invalid: [], bytes: 0 };
        now = clock.now();
      }
    }
  }
  batch.bytes = bytesRead();
  if (batch.rows > 0) yield batch;
}
