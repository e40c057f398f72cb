import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

export const SEND_QUEUE = 'send';
export const SEND_JOB = 'send.milestone';

/** Deterministic: one job per ledger row; BullMQ refuses ':' in custom ids. */
export function sendJobId(sendId: number): string {
  return `send.${sendId}`;
}

export interface SendJobData {
  sendId: number;
  /** Payload version: a job is a reminder to read the ledger, so it carries ids only. */
  v: 1;
}

export interface QueueSettings {
  queuePrefix: string;
  sendAttempts: number;
  backoffMs: number;
}

export function sendJobOptions(settings: QueueSettings, sendId: number, delayMs: number): JobsOptions {
  return {
    jobId: sendJobId(sendId),
    delay: Math.max(0, Math.round(delayMs)),
    attempts: settings.sendAttempts,
    backoff: { type: 'exponential', delay: settings.backoffMs, jitter: 0.5 },
    // The ledger is the record; finished jobs only cost Redis memory.
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
  };
}

export function createSendQueue(connection: Redis, settings: QueueSettings): Queue<SendJobData> {
  const queue = new Queue<SendJobData>(SEND_QUEUE, { connection, prefix: settings.queuePrefix });
  // Connection errors reach callers through the commands that fail; unhandled, the event would crash the process.
  queue.on('error', () => {});
  return queue;
}

/** Registers, polls and stops parcels with the tracking providers (jobs/tracking-sync.ts). */
export const TRACKING_SYNC_JOB = 'tracking.sync';

/** Asks the worker to sync now (new parcels to register); a sync already waiting covers them. */
export async function requestTrackingSync(queue: Queue): Promise<void> {
  await queue.add(TRACKING_SYNC_JOB, {} as never, { jobId: 'tracking.sync.now', removeOnComplete: true, removeOnFail: true, attempts: 1 });
}
