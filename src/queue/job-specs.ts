import type { JobsOptions, RepeatOptions } from 'bullmq';
import { z } from 'zod';

/**
 * Every job postship puts on its queue, declared once: name, payload schema,
 * job id, attempts, backoff, retention and schedule. The producers
 * (queues.ts: promoter, reconcile, import, webhooks, upkeep) build their jobs
 * from here; jobs/catalog.ts gives each name its handler, and does not
 * compile while one is missing. Payloads carry ledger ids only: a job is a
 * reminder to read the ledger.
 */

export const SEND_QUEUE = 'send';

/** What job options depend on: the queue settings of the config. */
export interface QueueSettings {
  queuePrefix: string;
  sendAttempts: number;
  backoffMs: number;
}

/** Upkeep timings from the config. */
export interface UpkeepSettings {
  promoteEveryMs: number;
}

// The ledger is the record; finished jobs only cost Redis memory. Failed ones stay a week for inspection.
const RETENTION = { removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600, count: 1000 } } as const;
const NO_PAYLOAD = z.object({}).passthrough();

const sendData = z.object({ sendId: z.number().int().positive(), v: z.literal(1) });
// v1 (one event) is still accepted from jobs queued before v2 (the events of one burst of webhook deliveries).
const trackingData = z.union([
  z.object({ eventId: z.number().int().positive(), v: z.literal(1) }),
  z.object({ eventIds: z.array(z.number().int().positive()).min(1), v: z.literal(2) }),
]);

export type SendJobData = z.infer<typeof sendData>;
export type TrackingJobData = z.infer<typeof trackingData>;

/** Deterministic: one job per ledger row; BullMQ refuses ':' in custom ids. */
export function sendJobId(sendId: number): string {
  return `send.${sendId}`;
}

/** Deterministic, so a webhook retried while its job waits adds nothing. */
export function trackingJobId(eventIds: readonly number[]): string {
  return eventIds.length === 1 ? `tracking.${eventIds[0]}` : `tracking.${eventIds[0]}-${eventIds[eventIds.length - 1]}`;
}

interface Spec<T> {
  schema: z.ZodType<T>;
  /** Options of a job produced on demand (not by its schedule). */
  options?(settings: QueueSettings, data: T, delayMs: number): JobsOptions;
  /** When it runs by itself, as a BullMQ job scheduler (one runs at a time, however many workers). */
  schedule?(upkeep: UpkeepSettings): RepeatOptions;
  /** The scheduler's id in Redis, when not the job's name (kept as first deployed). */
  schedulerId?: string;
}

const spec = <T>(s: Spec<T>): Spec<T> => s;

export const JOB_SPECS = {
  /** One message of one order: claim, decide, render, send, record (jobs/send-milestone.ts). */
  'send.milestone': spec({
    schema: sendData,
    options: (settings, data, delayMs) => ({
      jobId: sendJobId(data.sendId),
      delay: Math.max(0, Math.round(delayMs)),
      attempts: settings.sendAttempts,
      backoff: { type: 'exponential', delay: settings.backoffMs, jitter: 0.5 },
      ...RETENTION,
    }),
  }),
  /** Stored tracking events (webhooks) applied to their orders; promotes what they scheduled. */
  'tracking.apply': spec({
    schema: trackingData,
    options: (settings, data) => ({
      jobId: trackingJobId(data.v === 1 ? [data.eventId] : data.eventIds),
      attempts: settings.sendAttempts,
      backoff: { type: 'exponential', delay: settings.backoffMs },
      ...RETENTION,
    }),
  }),
  /** Registers, polls and stops parcels with the tracking providers: on its schedule, and on demand after orders enter. */
  'tracking.sync': spec({
    schema: NO_PAYLOAD,
    // A sync already waiting covers new parcels too: one on-demand job at a time.
    options: () => ({ jobId: 'tracking.sync.now', removeOnComplete: true, removeOnFail: true, attempts: 1 }),
    // The tracking loop keeps the promoter's pace: a poll due now is fetched within one promote interval.
    schedule: (upkeep) => ({ every: upkeep.promoteEveryMs }),
    schedulerId: 'tracking',
  }),
  /** Moves sends due within the horizon from the ledger into the queue. */
  promote: spec({ schema: NO_PAYLOAD, schedule: (upkeep) => ({ every: upkeep.promoteEveryMs }) }),
  /** Re-enqueues ledger rows whose job vanished from Redis. */
  reconcile: spec({ schema: NO_PAYLOAD, schedule: () => ({ every: 5 * 60_000 }) }),
  /** Schedules delay notices for silent or overdue parcels (jobs/watch.ts). */
  watch: spec({ schema: NO_PAYLOAD, schedule: () => ({ every: 60 * 60_000 }) }),
  /** Emails each store's seller the orders at risk, daily at 07:00 UTC (jobs/digest.ts). */
  digest: spec({ schema: NO_PAYLOAD, schedule: () => ({ pattern: '0 7 * * *', tz: 'UTC' }) }),
} as const;

export type JobName = keyof typeof JOB_SPECS;
export type JobData<N extends JobName> = z.infer<(typeof JOB_SPECS)[N]['schema']>;

export const SEND_JOB = 'send.milestone' satisfies JobName;
export const TRACKING_JOB = 'tracking.apply' satisfies JobName;
export const TRACKING_SYNC_JOB = 'tracking.sync' satisfies JobName;
export const DIGEST_JOB = 'digest' satisfies JobName;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_SPECS, name);
}

/** A job to add, built from its spec: the one way postship produces a job. */
export function jobOf<N extends JobName>(name: N, data: JobData<N>, settings: QueueSettings, delayMs = 0): { name: N; data: JobData<N>; opts: JobsOptions } {
  const options = (JOB_SPECS[name] as Spec<JobData<N>>).options;
  if (!options) throw new Error(`job "${name}" runs on its schedule only`);
  return { name, data, opts: options(settings, data, delayMs) };
}

/** The job schedulers, with their repeat options (`tracking.sync`'s is null without a tracking provider). */
export function schedules(upkeep: UpkeepSettings, options: { tracking: boolean }): Array<{ id: string; name: JobName; repeat: RepeatOptions | null }> {
  return (Object.keys(JOB_SPECS) as JobName[]).flatMap((name) => {
    const { schedule, schedulerId } = JOB_SPECS[name] as Spec<unknown>;
    if (!schedule) return [];
    // null: the scheduler must not exist (tracking without a provider).
    const off = name === TRACKING_SYNC_JOB && !options.tracking;
    return [{ id: schedulerId ?? name, name, repeat: off ? null : schedule(upkeep) }];
  });
}
