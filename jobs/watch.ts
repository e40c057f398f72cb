import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { promoteDue } from '../src/queue/promoter.js';
import { watchDelays, type WatchReport } from '../src/services/watch.js';
import type { JobDeps } from './deps.js';

/**
 * Orders per slice: a slice takes ~150 ms of the event loop, then webhooks
 * and sends get it back. A large first watch (a freshly imported backlog)
 * runs slice after slice; each order is looked at once, then only when a
 * notice could fall due.
 */
const SLICE = 2000;
/** One run stops starting slices after this; the next (hourly) run goes on where it stopped. */
const BUDGET_MS = 5 * 60_000;

/** The hourly delay watch; what it schedules due now goes to the queue at once rather than at the next promote. */
export async function watchTimeline(deps: JobDeps, promoter: Parameters<typeof promoteDue>[0]): Promise<WatchReport> {
  const started = Date.now();
  const total: WatchReport = { checked: 0, scheduled: 0, notices: [] };
  for (;;) {
    const report = await watchDelays({ ledger: deps.ledger, clock: deps.clock, profiles: deps.profiles }, { limit: SLICE });
    total.checked += report.checked;
    total.scheduled += report.scheduled;
    total.notices.push(...report.notices.slice(0, 100 - total.notices.length));
    if (report.scheduled > 0) await promoteDue(promoter);
    if (report.checked < SLICE || Date.now() - started > BUDGET_MS) break;
    await yieldToEventLoop();
  }
  if (total.scheduled > 0) deps.logger.info(total, 'delay notices scheduled');
  return total;
}
