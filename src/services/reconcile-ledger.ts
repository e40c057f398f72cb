import { reconcile, type ReconcileReport } from '../queue/reconcile.js';
import type { PromoterDeps } from '../queue/promoter.js';
import type { OrderServiceDeps } from './orders.js';
import { applyPendingEvents } from './tracking.js';

export interface LedgerReconcileReport extends ReconcileReport {
  /** Stored tracking events that had not been applied (Redis was down when they arrived). */
  eventsApplied: number;
}

/**
 * The database is the truth, in full: apply stored tracking events that never
 * got their job, then re-create jobs for queued rows and expired claims, then
 * promote what is due (including what those events scheduled).
 */
export async function reconcileLedger(
  deps: PromoterDeps & OrderServiceDeps & { claimLeaseMs: number },
): Promise<LedgerReconcileReport> {
  const events = await applyPendingEvents({ ledger: deps.ledger, clock: deps.clock, profiles: deps.profiles });
  const report = await reconcile(deps);
  return { ...report, eventsApplied: events.applied };
}
