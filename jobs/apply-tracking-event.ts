import type { JobsOptions, Queue } from 'bullmq';
import { promoteDue } from '../src/queue/promoter.js';
import type { QueueSettings } from '../src/queue/queues.js';
import { applyStoredEvent } from '../src/services/tracking.js';
import type { JobDeps } from './deps.js';

export const TRACKING_JOB = 'tracking.apply';

/**
 * The job carries ledger ids only; the event rows are the truth. v1 (one
 * event) is still accepted from jobs queued before v2 (the events of one
 * burst of webhook deliveries, up to 200).
 */
export type TrackingJobData = { eventId: number; v: 1 } | { eventIds: number[]; v: 2 };

/** Deterministic, so a webhook retried while its job waits adds nothing; BullMQ refuses ':'. */
export function trackingJobId(eventIds: readonly number[]): string {
  return eventIds.length === 1 ? `tracking.${eventIds[0]}` : `tracking.${eventIds[0]}-${eventIds[eventIds.length - 1]}`;
}

function trackingJobOptions(settings: Pick<QueueSettings, 'sendAttempts' | 'backoffMs'>, eventIds: readonly number[]): JobsOptions {
  return {
    jobId: trackingJobId(eventIds),
    attempts: settings.sendAttempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
  };
}

/** Events per apply job: a burst of deliveries is one job, not one per event. */
const EVENTS_PER_JOB = 200;

/** Adds apply jobs for stored events to the shared queue (the worker dispatches on the job name). */
export async function enqueueTrackingEvents(
  queue: Queue,
  settings: Pick<QueueSettings, 'sendAttempts' | 'backoffMs'>,
  eventIds: readonly number[],
): Promise<void> {
  if (eventIds.length === 0) return;
  const jobs = [];
  for (let i = 0; i < eventIds.length; i += EVENTS_PER_JOB) {
    const ids = eventIds.slice(i, i + EVENTS_PER_JOB);
    jobs.push({ name: TRACKING_JOB, data: { eventIds: ids, v: 2 as const } satisfies TrackingJobData, opts: trackingJobOptions(settings, ids) });
  }
  await queue.addBulk(jobs);
}

/**
 * Applies stored tracking events to their orders, in id order (applying one
 * twice changes nothing, so a retried job is harmless). When that scheduled a
 * message, promotes at once so it goes out now rather than at the next tick.
 */
export async function applyTrackingEvent(deps: JobDeps, data: TrackingJobData): Promise<string[]> {
  const ids = data.v === 1 ? [data.eventId] : data.eventIds;
  const outcomes = ids.map((eventId) => {
    const outcome = applyStoredEvent({ db: deps.db, clock: deps.clock, profiles: deps.profiles, tracking: deps.trackingChoice }, eventId);
    deps.logger.debug({ eventId, outcome }, 'tracking event applied');
    return outcome;
  });
  if (outcomes.some((o) => o.startsWith('scheduled'))) {
    await promoteDue({ db: deps.db, sendQueue: deps.sendQueue, clock: deps.clock, settings: deps.config, profiles: deps.profiles });
  }
  return outcomes;
}
