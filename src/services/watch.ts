import { DateTime } from 'luxon';
import { findCarrier } from '../domain/carriers.js';
import { countryInfo } from '../domain/countries.js';
import { checkDelay, nextDelayCheck, type DelayVerdict } from '../domain/delay.js';
import { planAt, type PlannedSend } from '../domain/plan.js';
import { transitFor, type TransitDays } from '../domain/transit.js';
import { orderFromRow, type OrderRow } from '../store/ledger.js';
import { learnedTransit } from './learned-transit.js';
import type { OrderServiceDeps } from './orders.js';

export interface WatchReport {
  /** Active orders looked at. */
  checked: number;
  /** Delay notices scheduled by this run. */
  scheduled: number;
  /** What was scheduled and why, e.g. "no tracking update for 10 business days (threshold 10)". */
  notices: Array<{ orderId: string; seq: number; why: string }>;
}

/** The window a delay is measured against: the profile's, else learned (20+ deliveries), else the table. */
export async function transitForOrder(deps: OrderServiceDeps, row: OrderRow): Promise<TransitDays> {
  const order = orderFromRow(row);
  const profile = deps.profiles(order);
  if (profile.transitDays) return profile.transitDays;
  const learned = await learnedTransit(deps.ledger, row.carrier, row.country);
  if (learned) return { min: learned.min, max: learned.max };
  return transitFor(findCarrier(row.carrier)?.class ?? 'postal', row.country);
}

/** The facts the delay rules need about one order, from the ledger. */
async function delayInput(deps: OrderServiceDeps, row: OrderRow, notices: readonly number[], registered: boolean) {
  const order = orderFromRow(row);
  return {
    order,
    profile: deps.profiles(order),
    carrierClass: findCarrier(row.carrier)?.class ?? ('postal' as const),
    transit: await transitForOrder(deps, row),
    weekend: countryInfo(row.country).weekend,
    stageRank: row.stageRank,
    lastEventAt: row.lastEventAt === null ? null : DateTime.fromMillis(row.lastEventAt, { zone: 'utc' }),
    hasFeed: row.lastEventAt !== null || registered,
    notices: [...notices].sort((a, b) => a - b).map((ms) => DateTime.fromMillis(ms, { zone: 'utc' })),
  };
}

/** The delay verdict for one order at `now`, from the ledger's facts. */
export async function delayVerdict(deps: OrderServiceDeps, row: OrderRow, notices: readonly number[], now: DateTime, registered: boolean): Promise<DelayVerdict> {
  return checkDelay({ ...(await delayInput(deps, row, notices, registered)), now });
}

/**
 * The periodic delay watch. Each active order carries `watch_at`, the
 * earliest moment a notice could fall due (set when it enters, reset when a
 * tracking update or registration changes its facts); the watch reads only
 * orders whose moment has come, so its cost follows the orders due, not the
 * backlog. A due notice becomes a `delay` send row (seq 0, or 1 for the
 * second), due now inside the buyer's send window; then `watch_at` moves to
 * the next moment one could fall due. Idempotent: a seq already recorded is
 * never inserted twice.
 */
export async function watchDelays(deps: OrderServiceDeps, options: { limit?: number } = {}): Promise<WatchReport> {
  const now = deps.clock.now();
  const candidates = await deps.ledger.ordersToWatch(now.toMillis(), options.limit ?? 100_000);
  const noticeTimes = await deps.ledger.delayNoticeTimes(candidates.map((r) => r.orderId));
  const registered = await deps.ledger.registeredAmong(candidates.map((r) => r.orderId));
  const scheduled: WatchReport['notices'] = [];
  const next: Array<{ orderId: string; at: number | null }> = [];
  const notices: Array<{ orderId: string; planned: PlannedSend; why: string }> = [];
  for (const row of candidates) {
    const earlier = noticeTimes.get(row.orderId) ?? [];
    const input = await delayInput(deps, row, earlier, registered.has(row.orderId));
    const verdict = checkDelay({ ...input, now });
    let after = earlier;
    if (verdict.due) {
      const order = input.order;
      notices.push({ orderId: row.orderId, planned: { ...planAt(order, 'delay', now.toMillis(), deps.profiles(order), now), seq: verdict.seq }, why: verdict.why });
      after = [...earlier, now.toMillis()];
    }
    const at = nextDelayCheck({ ...input, notices: after.map((ms) => DateTime.fromMillis(ms, { zone: 'utc' })) });
    // Never in the past: a bound the rules did not confirm is looked at again in an hour.
    next.push({ orderId: row.orderId, at: at === null ? null : Math.max(at, now.toMillis() + (verdict.due ? 0 : 3600_000)) });
  }
  (await deps.ledger.insertRuleSends(notices, now.toMillis())).forEach((inserted, i) => {
    if (inserted) scheduled.push({ orderId: notices[i].orderId, seq: notices[i].planned.seq ?? 0, why: notices[i].why });
  });
  await deps.ledger.setWatchAt(next);
  return { checked: candidates.length, scheduled: scheduled.length, notices: scheduled.slice(0, 100) };
}
