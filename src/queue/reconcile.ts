import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { promoteDue, type PromoterDeps } from './promoter.js';
import { sendJobId, sendJobs, type SendJobData } from './queues.js';

export interface ReconcileReport {
  expiredClaims: number;
  requeued: number;
  promoted: number;
}

const PAGE = 500;

/**
 * Which of these job ids have a live job in Redis, one pipelined HMGET per
 * page: a job's hash exists while it waits, is delayed or active, and gains
 * `finishedOn` once done (completed ones are removed). BullMQ's getJobState
 * would scan the wait list per job (LPOS), O(n²) in a large backlog.
 */
async function jobStates(queue: Queue<SendJobData>, ids: string[]): Promise<{ live: Set<string>; finished: Set<string> }> {
  // The ioredis connection the queue was built on (createSendQueue): plain commands, no BullMQ script.
  const pipeline = (queue.opts.connection as Redis).pipeline();
  for (const id of ids) pipeline.hmget(queue.toKey(id), 'name', 'finishedOn');
  const answers = (await pipeline.exec()) ?? [];
  const live = new Set<string>();
  const finished = new Set<string>();
  answers.forEach(([err, fields], i) => {
    if (err) throw err;
    const [name, finishedOn] = fields as [string | null, string | null];
    if (name !== null && finishedOn === null) live.add(ids[i]);
    else if (name !== null) finished.add(ids[i]);
  });
  return { live, finished };
}

/**
 * The database is the truth: finds queued rows whose job is gone from Redis
 * (flushed, restarted without persistence) and claims past their lease (a
 * worker killed mid-send), and enqueues them again with their remaining delay.
 * Never duplicates a job that exists: job ids are deterministic.
 */
export async function reconcile(deps: PromoterDeps & { claimLeaseMs: number }): Promise<ReconcileReport> {
  const now = deps.clock.now().toMillis();
  const expiredClaims = (await deps.ledger.releaseExpiredClaims(now, deps.claimLeaseMs)).length;
  let requeued = 0;
  let after: { dueAt: number; id: number } | null = null;
  for (;;) {
    const rows = await deps.ledger.queuedSends(after, PAGE);
    if (rows.length === 0) break;
    after = rows[rows.length - 1];
    const { live, finished } = await jobStates(
      deps.sendQueue,
      rows.map((r) => sendJobId(r.id)),
    );
    const missing = rows.filter((r) => !live.has(sendJobId(r.id)));
    for (const row of missing) {
      // A finished job still in Redis (kept for inspection) would block re-adding the same id; a missing one needs nothing.
      if (finished.has(sendJobId(row.id))) await deps.sendQueue.remove(sendJobId(row.id));
    }
    if (missing.length > 0) {
      await deps.sendQueue.addBulk(sendJobs(deps.settings, missing, now));
    }
    requeued += missing.length;
  }
  const promoted = await promoteDue(deps);
  return { expiredClaims, requeued, promoted };
}
