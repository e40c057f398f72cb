import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { createPacer } from '../src/mail/pacing.js';
import { assertRedisFitForQueue } from '../src/queue/guards.js';
import { scheduleUpkeep as scheduleUpkeepJobs, SEND_QUEUE, type SendJobData } from '../src/queue/queues.js';
import { isJobName, JOB_CATALOG, promoteNow, reconcileAll, type JobDefinition } from './catalog.js';
import type { JobDeps } from './deps.js';

export interface WorkerOptions {
  connection: Redis;
  concurrency: number;
  /** Short in fault tests; BullMQ's default otherwise. */
  lockDurationMs?: number;
}

/** How long a job waits for an unreachable ledger before trying again (plus jitter). */
const LEDGER_RETRY_MS = 2_000;

/** Starts the send worker: one BullMQ Worker dispatching each job to its catalog handler. */
export function startSendWorker(given: JobDeps, options: WorkerOptions): Worker<SendJobData> {
  // Pacing counters live beside the queue, on the worker's own connection.
  const deps: JobDeps = given.pacing ? given : { ...given, pacing: createPacer(options.connection, given.config.deliverability.pacing, given.config.queuePrefix) };
  const worker = new Worker<SendJobData>(
    SEND_QUEUE,
    async (job: Job, token?: string) => {
      if (!isJobName(job.name)) throw new Error(`no handler for job "${job.name}"`);
      const definition = JOB_CATALOG[job.name] as JobDefinition<unknown>;
      const data = definition.schema.parse(job.data);
      try {
        return await definition.handler(deps, data, job, token);
      } catch (err) {
        // The ledger is down (a PostgreSQL restart): the job waits for it without spending an attempt.
        if (token && !(err instanceof DelayedError) && deps.ledger.isUnavailable(err)) {
          deps.logger.warn({ jobId: job.id, err: (err as Error).message }, 'ledger unavailable; job waits for it');
          await job.moveToDelayed(Date.now() + LEDGER_RETRY_MS * (1 + Math.random()), token);
          throw new DelayedError();
        }
        throw err;
      }
    },
    {
      connection: options.connection,
      prefix: deps.config.queuePrefix,
      concurrency: options.concurrency,
      // A killed worker's jobs come back after one lock duration; stalled checks run as often.
      lockDuration: options.lockDurationMs ?? deps.config.lockDurationMs,
      stalledInterval: options.lockDurationMs ?? deps.config.lockDurationMs,
      maxStalledCount: 1000,
    },
  );
  worker.on('failed', (job, err) => {
    if (err instanceof DelayedError) return;
    deps.logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job attempt failed');
  });
  worker.on('error', (err) => deps.logger.error({ err: err.message }, 'worker error'));
  return worker;
}

/** Periodic upkeep as BullMQ job schedulers (declared in src/queue/job-specs.ts): one runs at a time, however many workers. */
export async function scheduleUpkeep(deps: JobDeps): Promise<void> {
  await scheduleUpkeepJobs(deps.sendQueue, deps.config, { tracking: deps.tracking !== null && deps.tracking !== undefined });
}

export interface RunningWorker {
  worker: Worker<SendJobData>;
  /** Stops taking jobs and waits for in-flight sends (BullMQ Worker.close). */
  close(): Promise<void>;
}

export interface UpkeepWatch {
  /** Resolves once the check in progress (if any) is over; no check runs after. */
  stop(): Promise<void>;
}

/**
 * The upkeep schedules live in Redis: a Redis restarted without persistence,
 * or a FLUSHALL, takes them (and every queued job) away, and nothing in Redis
 * would ever bring them back. So the process that created them checks every
 * promote interval, and at once whenever its connection comes back, that the
 * `promote` scheduler still exists; when it is gone, it re-creates every
 * schedule and reconciles the ledger (re-queues `queued` rows whose job
 * vanished, applies events stored meanwhile).
 */
export function watchUpkeep(deps: JobDeps, connection: Redis, everyMs = deps.config.promoteEveryMs): UpkeepWatch {
  let running: Promise<void> | null = null;
  let stopped = false;
  const check = () => {
    if (stopped || running) return;
    running = (async () => {
      try {
        if (await deps.sendQueue.getJobScheduler('promote')) return;
        deps.logger.warn('upkeep schedules are gone from Redis (restarted without persistence, or flushed): re-creating them and reconciling the ledger');
        await scheduleUpkeep(deps);
        const report = await reconcileAll(deps);
        // And promote at once: sends entering the horizon do not wait for the new scheduler's first run.
        const promoted = await promoteNow(deps);
        deps.logger.warn({ ...report, promoted }, 'upkeep schedules re-created; ledger reconciled with the queue');
      } catch (err) {
        // Redis still down: the next tick (or the reconnect) tries again.
        deps.logger.warn({ err: (err as Error).message }, 'upkeep check failed; retrying at the next interval');
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(check, Math.max(250, everyMs));
  timer.unref();
  connection.on('ready', check);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      connection.off('ready', check);
      await running;
    },
  };
}

/**
 * Everything a send-worker process does at start: refuse an evicting Redis,
 * reconcile the ledger with the queue (jobs may be gone after a Redis restart),
 * start the worker and the periodic upkeep.
 */
export async function runWorker(deps: JobDeps, options: WorkerOptions): Promise<RunningWorker> {
  await assertRedisFitForQueue(options.connection, deps.logger);
  // The worker first: jobs still in Redis go out while reconcile re-creates the lost ones (on a
  // large ledger after a Redis restart that takes a while; a claim keeps the two from meeting).
  const worker = startSendWorker(deps, options);
  await scheduleUpkeep(deps);
  const report = await reconcileAll(deps);
  if (report.requeued + report.expiredClaims + report.eventsApplied > 0) {
    deps.logger.info(report, 'reconciled ledger with the queue at start');
  }
  const watch = watchUpkeep(deps, options.connection);
  return {
    worker,
    close: async () => {
      await watch.stop();
      await worker.close();
    },
  };
}
