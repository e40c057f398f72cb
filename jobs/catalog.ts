import type { Job } from 'bullmq';
import { promoteDue } from '../src/queue/promoter.js';
import { JOB_SPECS, type JobData, type JobName } from '../src/queue/job-specs.js';
import { reconcileLedger } from '../src/services/reconcile-ledger.js';
import { applyTrackingEvent } from './apply-tracking-event.js';
import type { JobDeps } from './deps.js';
import { runDigest } from './digest.js';
import { sendMilestone } from './send-milestone.js';
import { runTrackingSync } from './tracking-sync.js';
import { watchTimeline } from './watch.js';

export { isJobName, type JobName } from '../src/queue/job-specs.js';

export interface JobDefinition<T> {
  schema: (typeof JOB_SPECS)[JobName]['schema'];
  handler(deps: JobDeps, data: T, job: Job, token?: string): Promise<unknown>;
}

function promoterDeps(deps: JobDeps) {
  return { ledger: deps.ledger, sendQueue: deps.sendQueue, clock: deps.clock, settings: deps.config, profiles: deps.profiles };
}

/** Moves sends due within the horizon into the queue now (what the periodic promote job does). */
export function promoteNow(deps: JobDeps) {
  return promoteDue(promoterDeps(deps));
}

/** Reconcile everything the ledger knows with the queue (see reconcileLedger). */
export function reconcileAll(deps: JobDeps) {
  return reconcileLedger({ ...promoterDeps(deps), profiles: deps.profiles, claimLeaseMs: deps.config.claimLeaseMs });
}

type Handlers = { [N in JobName]: (deps: JobDeps, data: JobData<N>, job: Job, token?: string) => Promise<unknown> };

/**
 * Each job of src/queue/job-specs.ts (where its payload, id, attempts,
 * backoff and schedule are declared) bound to its handler. A spec without a
 * handler does not compile; a payload that does not parse fails loudly.
 */
const HANDLERS: Handlers = {
  'send.milestone': sendMilestone,
  'tracking.apply': applyTrackingEvent,
  'tracking.sync': (deps) => runTrackingSync(deps),
  promote: (deps) => promoteNow(deps),
  reconcile: (deps) => reconcileAll(deps),
  watch: (deps) => watchTimeline(deps, promoterDeps(deps)),
  digest: (deps) => runDigest(deps),
};

export const JOB_CATALOG = Object.fromEntries(
  (Object.keys(JOB_SPECS) as JobName[]).map((name) => [name, { schema: JOB_SPECS[name].schema, handler: HANDLERS[name] }]),
) as { [N in JobName]: JobDefinition<JobData<N>> };
