import type { JobsOptions, Queue } from 'bullmq';
import { promoteDue } from '../src/queue/promoter.js';
import type { QueueSettings } from '../src/queue/queues.js';
import { applyStoredEvent } from '../src/services/tracking.js';
import type { JobDeps } from './deps.js';

export const TRACKING_JOB = 'tracking.apply';

export interface TrackingJobData {
  eventId: number;
  /** Payload version: the job carries the ledger id only; the event row is the truth. */
  v: 1;
}

/** Deterministic, so a webhook retried while its job waits adds nothing; BullMQ refuses ':'. */
export function trackingJobId(eventId: number): string {
  return `tracking.${eventId}`;
}

function trackingJobOptions(settings: Pick<QueueSettings, 'sendAttempts' | 'backoffMs'>, eventId: number): JobsOptions {
  return {
    jobId: trackingJobId(eventId),
    attempts: settings.sendAttempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
  };
}

/** Adds one apply job per stored event to the shared queue (the worker dispatches on the job name). */
export async function enqueueTrackingEvents(
  queue: Queue,
  settings: Pick<QueueSettings, 'sendAttempts' | 'backoffMs'>,
  eventIds: readonly number[],
): Promise<void> {
  if (eventIds.length === 0) return;
  await queue.addBulk(
    eventIds.map((eventId) => ({
      name: TRACKING_JOB,
      data: { eventId, v: 1 as const } satisfies TrackingJobData,
      opts: trackingJobOptions(settings, eventId),
    })),
  );
}

/**
 * Applies one stored tracking event to its order. When that scheduled a
 * message, promotes at once so it goes out now rather than at the next tick.
 */
export async function applyTrackingEvent(deps: JobDeps, data: TrackingJobData): Promise<string> {
  const outcome = applyStoredEvent({ db: deps.db, clock: deps.clock, profiles: deps.profiles }, data.eventId);
  if (outcome.startsWith('scheduled')) {
    await promoteDue({ db: deps.db, sendQueue: deps.sendQueue, clock: deps.clock, settings: deps.config });
  }
  deps.logger.debug({ eventId: data.eventId, outcome }, 'tracking event applied');
  return outcome;
}
