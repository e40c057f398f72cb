import type { Queue } from 'bullmq';
import type { Clock } from '../domain/clock.js';
import type { Ledger } from '../store/ledger-api.js';
import { isStale } from '../domain/plan.js';
import type { Milestone } from '../domain/milestones.js';
import { DateTime } from 'luxon';
import type { ProfileResolver } from '../domain/profile.js';
import { type DueSend } from '../store/ledger.js';
import { sendJobs, type QueuedSend, type QueueSettings, type SendJobData } from './queues.js';

export interface PromoterDeps {
  ledger: Ledger;
  sendQueue: Queue<SendJobData>;
  clock: Clock;
  settings: QueueSettings & { horizonMs: number };
  /** When given, rows already past their staleness limit are recorded skipped here, never queued. */
  profiles?: ProfileResolver;
}

const BATCH = 1000;

/** The worker's staleness rule (decide → isStale), for a row still in the ledger; resends are never stale. */
function isStaleRow(row: DueSend, profiles: ProfileResolver, now: number): boolean {
  if (row.resendOf !== null || row.dueAt >= now) return false;
  const profile = profiles({ carrier: row.carrier, country: row.country, store: row.store });
  return isStale(row.milestone as Milestone, DateTime.fromMillis(row.dueAt, { zone: 'utc' }), profile, DateTime.fromMillis(now, { zone: 'utc' }));
}

export type { QueuedSend };

/**
 * Adds the jobs of sends already marked queued. If Redis refuses, the rows go
 * back to scheduled (the promoter tries again later) and the error is thrown.
 */
export async function queueSends(deps: PromoterDeps, sends: QueuedSend[], now: number): Promise<void> {
  if (sends.length === 0) return;
  try {
    await deps.sendQueue.addBulk(sendJobs(deps.settings, sends, now));
  } catch (err) {
    await deps.ledger.markScheduled(
      sends.map((s) => s.id),
      now,
    );
    throw err;
  }
}

/**
 * Moves sends due within the horizon from SQLite into BullMQ as delayed jobs.
 * Redis holds only the next minutes of work; the long tail stays on disk.
 * Rows are marked queued before the jobs are added; if Redis refuses, they go back.
 */
export async function promoteDue(deps: PromoterDeps): Promise<number> {
  let total = 0;
  for (;;) {
    const now = deps.clock.now().toMillis();
    // One transaction: on PostgreSQL the batch's rows stay locked (SKIP LOCKED) until marked, so two
    // promoters take different rows; the jobs are added after it commits, never inside it.
    const { rows, stale, due, ids } = await deps.ledger.transaction(async (ledger) => {
      const rows = await ledger.dueForPromotion(now + deps.settings.horizonMs, BATCH);
      // A message already too late to be true (a daemon down for a week) is decided here, in bulk, without a job.
      const stale = deps.profiles ? rows.filter((r) => isStaleRow(r, deps.profiles!, now)) : [];
      await ledger.skipStale(stale.map((r) => r.id), now);
      const staleIds = new Set(stale.map((r) => r.id));
      const due = rows.filter((r) => !staleIds.has(r.id));
      return { rows, stale, due, ids: await ledger.markQueued(due.map((r) => r.id), now) };
    });
    if (ids.length === 0 && stale.length === 0) return total;
    const dueAt = new Map(due.map((r) => [r.id, r.dueAt]));
    await queueSends(
      deps,
      ids.map((id) => ({ id, dueAt: dueAt.get(id) ?? now })),
      now,
    );
    total += ids.length;
    if (rows.length < BATCH) return total;
  }
}
