import type { Job } from 'bullmq';
import { z } from 'zod';
import { promoteDue } from '../src/queue/promoter.js';
import { SEND_JOB } from '../src/queue/queues.js';
import { reconcileLedger } from '../src/services/reconcile-ledger.js';
import { watchTimeline } from './watch.js';
import { applyTrackingEvent, TRACKING_JOB, type TrackingJobData } from './apply-tracking-event.js';
import type { JobDeps } from './deps.js';
import { sendMilestone } from './send-milestone.js';
import { DIGEST_JOB, runDigest } from './digest.js';
import { runTrackingSync, TRACKING_SYNC_JOB } from './tracking-sync.js';

export interface JobDefinition<T> {
  schema: z.ZodType<T>;
  handler(deps: JobDeps, data: T, job: Job, token?: string): Promise<unknown>;
}

function define<T>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition;
}

function promoterDeps(deps: JobDeps) {
  return { db: deps.db, sendQueue: deps.sendQueue, clock: deps.clock, settings: deps.config, profiles: deps.profiles };
}

/** Moves sends due within the horizon into the queue now (what the periodic promote job does). */
export function promoteNow(deps: JobDeps) {
  return promoteDue(promoterDeps(deps));
}

/** Reconcile everything the ledger knows with the queue (see reconcileLedger). */
export function reconcileAll(deps: JobDeps) {
  return reconcileLedger({ ...promoterDeps(deps), profiles: deps.profiles, claimLeaseMs: deps.config.claimLeaseMs });
}

/**
 * Every job postship runs, declared once: name → payload schema → handler.
 * A name without a handler does not compile; a payload that does not parse fails loudly.
 */
export const JOB_CATALOG = {
  [SEND_JOB]: define({
    schema: z.object({ sendId: z.number().int().positive(), v: z.literal(1) }),
    handler: sendMilestone,
  }),
  /** Stored tracking events (webhooks) applied to their orders; promotes what they scheduled. */
  [TRACKING_JOB]: define<TrackingJobData>({
    schema: z.union([
      z.object({ eventId: z.number().int().positive(), v: z.literal(1) }),
      z.object({ eventIds: z.array(z.number().int().positive()).min(1), v: z.literal(2) }),
    ]),
    handler: applyTrackingEvent,
  }),
  /** Periodic: moves sends due within the horizon from SQLite into BullMQ. */
  promote: define({
    schema: z.object({}).passthrough(),
    handler: (deps) => promoteDue(promoterDeps(deps)),
  }),
  /** Periodic: schedules delay notices for silent or overdue parcels (jobs/watch.ts). */
  watch: define({ schema: z.object({}).passthrough(), handler: (deps) => watchTimeline(deps, promoterDeps(deps)) }),
  /** Daily: emails each store's seller the orders whose buyer protection ends soon (jobs/digest.ts). */
  [DIGEST_JOB]: define({ schema: z.object({}).passthrough(), handler: (deps) => runDigest(deps) }),
  /** Periodic, and after orders enter: registers, polls and stops parcels with the tracking providers. */
  [TRACKING_SYNC_JOB]: define({ schema: z.object({}).passthrough(), handler: (deps) => runTrackingSync(deps) }),
  /** Periodic: re-enqueues ledger rows whose job vanished from Redis. */
  reconcile: define({
    schema: z.object({}).passthrough(),
    handler: (deps) => reconcileAll(deps),
  }),
} as const;

export type JobName = keyof typeof JOB_CATALOG;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_CATALOG, name);
}
