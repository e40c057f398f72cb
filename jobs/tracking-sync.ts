import { promoteDue } from '../src/queue/promoter.js';
import { syncTracking, type SyncOptions, type SyncReport } from '../src/services/tracking-sync.js';
import type { JobDeps } from './deps.js';


/**
 * Registers pending parcels, polls silent ones and stops finished ones
 * (src/services/tracking-sync.ts), then promotes what the polls scheduled.
 */
export async function runTrackingSync(deps: JobDeps, options: SyncOptions = {}): Promise<SyncReport | null> {
  if (!deps.tracking) return null;
  const report = await syncTracking(
    {
      ledger: deps.ledger,
      clock: deps.clock,
      profiles: deps.profiles,
      tracking: deps.trackingChoice,
      providers: deps.tracking.providers,
      pollAfterMs: deps.tracking.pollAfterMs,
      logger: deps.logger,
      observe: deps.metrics?.tracking,
      claimLeaseMs: deps.config.claimLeaseMs,
    },
    options,
  );
  if (report.scheduled > 0) await promoteDue({ ledger: deps.ledger, sendQueue: deps.sendQueue, clock: deps.clock, settings: deps.config, profiles: deps.profiles });
  const worked = report.providers.filter((p) => p.registered + p.rejected + p.polled + p.stopped > 0 || p.paused);
  if (worked.length > 0) deps.logger.info({ providers: worked }, 'tracking sync');
  return report;
}
