import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobOf, schedules, SEND_QUEUE, TRACKING_JOB, TRACKING_SYNC_JOB, type QueueSettings, type SendJobData, type UpkeepSettings } from './job-specs.js';

/**
 * The queue and its producers. Every job is built by `jobOf` from its spec
 * in job-specs.ts: the promoter, reconcile, the import, webhooks and the
 * upkeep schedules all go through here.
 */

export { SEND_JOB, SEND_QUEUE, sendJobId, TRACKING_SYNC_JOB, type QueueSettings, type SendJobData } from './job-specs.js';

export function createSendQueue(connection: Redis, settings: QueueSettings): Queue<SendJobData> {
  const queue = new Queue<SendJobData>(SEND_QUEUE, { connection, prefix: settings.queuePrefix });
  // Connection errors reach callers through the commands that fail; unhandled, the event would crash the process.
  queue.on('error', () => {});
  return queue;
}

/** A send row already marked queued in the ledger, waiting for its BullMQ job. */
export interface QueuedSend {
  id: number;
  dueAt: number;
}

/** The jobs (one per send, deterministic ids, delayed until due) for sends marked queued. */
export function sendJobs(settings: QueueSettings, sends: readonly QueuedSend[], now: number) {
  return sends.map(({ id, dueAt }) => jobOf('send.milestone', { sendId: id, v: 1 }, settings, dueAt - now));
}

/** Events per apply job: a burst of deliveries is one job, not one per event. */
const EVENTS_PER_JOB = 200;

/** Adds apply jobs for stored tracking events (the worker dispatches on the job name). */
export async function enqueueTrackingEvents(queue: Queue, settings: QueueSettings, eventIds: readonly number[]): Promise<void> {
  if (eventIds.length === 0) return;
  const jobs: Array<{ name: string; data: unknown; opts: JobsOptions }> = [];
  for (let i = 0; i < eventIds.length; i += EVENTS_PER_JOB) {
    jobs.push(jobOf(TRACKING_JOB, { eventIds: eventIds.slice(i, i + EVENTS_PER_JOB), v: 2 }, settings));
  }
  await queue.addBulk(jobs as never);
}

/** Asks the worker to sync now (new parcels to register); a sync already waiting covers them. */
export async function requestTrackingSync(queue: Queue, settings: QueueSettings): Promise<void> {
  const job = jobOf(TRACKING_SYNC_JOB, {}, settings);
  await queue.add(job.name, job.data as never, job.opts);
}

/** Creates or updates every job scheduler of job-specs.ts (and removes one that must not run). */
export async function scheduleUpkeep(queue: Queue, upkeep: UpkeepSettings, options: { tracking: boolean }): Promise<void> {
  for (const { id, name, repeat } of schedules(upkeep, options)) {
    if (repeat) await queue.upsertJobScheduler(id, repeat, { name, data: {} as never });
    else await queue.removeJobScheduler(id);
  }
}
