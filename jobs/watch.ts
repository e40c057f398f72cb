import { promoteDue } from '../src/queue/promoter.js';
import { watchDelays, type WatchReport } from '../src/services/watch.js';
import type { JobDeps } from './deps.js';

/** The hourly delay watch; what it schedules due now goes to the queue at once rather than at the next promote. */
export async function watchTimeline(deps: JobDeps, promoter: Parameters<typeof promoteDue>[0]): Promise<WatchReport> {
  const report = watchDelays({ db: deps.db, clock: deps.clock, profiles: deps.profiles });
  if (report.scheduled > 0) {
    deps.logger.info(report, 'delay notices scheduled');
    await promoteDue(promoter);
  }
  return report;
}
