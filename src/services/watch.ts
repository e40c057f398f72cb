import { and, eq, inArray, isNull, lt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { findCarrier } from '../domain/carriers.js';
import { countryInfo } from '../domain/countries.js';
import { checkDelay, DELAY_STAGE_LIMIT, type DelayVerdict } from '../domain/delay.js';
import { planAt } from '../domain/plan.js';
import { transitFor, type TransitDays } from '../domain/transit.js';
import { orderFromRow, type OrderRow } from '../store/ledger.js';
import { registeredOrderIds } from '../store/registrations.js';
import { orders, sends } from '../store/schema.js';
import { learnedTransit } from './learned-transit.js';
import { insertRuleSend, type OrderServiceDeps } from './orders.js';

export interface WatchReport {
  /** Active orders looked at. */
  checked: number;
  /** Delay notices scheduled by this run. */
  scheduled: number;
  /** What was scheduled and why, e.g. "no tracking update for 10 business days (threshold 10)". */
  notices: Array<{ orderId: string; seq: number; why: string }>;
}

/** The window a delay is measured against: the profile's, else learned (20+ deliveries), else the table. */
export function transitForOrder(deps: OrderServiceDeps, row: OrderRow): TransitDays {
  const order = orderFromRow(row);
  const profile = deps.profiles(order);
  if (profile.transitDays) return profile.transitDays;
  const learned = learnedTransit(deps.db, row.carrier, row.country);
  if (learned) return { min: learned.min, max: learned.max };
  return transitFor(findCarrier(row.carrier)?.class ?? 'postal', row.country);
}

/** The delay verdict for one order at `now`, from the ledger's facts. */
export function delayVerdict(deps: OrderServiceDeps, row: OrderRow, notices: readonly number[], now: DateTime, registered: boolean): DelayVerdict {
  const order = orderFromRow(row);
  return checkDelay({
    order,
    profile: deps.profiles(order),
    carrierClass: findCarrier(row.carrier)?.class ?? 'postal',
    transit: transitForOrder(deps, row),
    weekend: countryInfo(row.country).weekend,
    stageRank: row.stageRank,
    lastEventAt: row.lastEventAt === null ? null : DateTime.fromMillis(row.lastEventAt, { zone: 'utc' }),
    hasFeed: row.lastEventAt !== null || registered,
    notices: [...notices].sort((a, b) => a - b).map((ms) => DateTime.fromMillis(ms, { zone: 'utc' })),
    now,
  });
}

/**
 * The periodic delay watch: every active order not yet at the post office is
 * checked against the delay rules; a due notice becomes a `delay` send row
 * (seq 0, or 1 for the second), due now inside the buyer's send window.
 * Idempotent: a seq already recorded is never inserted twice.
 */
export function watchDelays(deps: OrderServiceDeps, options: { limit?: number } = {}): WatchReport {
  const now = deps.clock.now();
  const watched = and(eq(orders.state, 'active'), lt(orders.stageRank, DELAY_STAGE_LIMIT));
  const candidates = deps.db.select().from(orders).where(watched).limit(options.limit ?? 1_000_000).all();
  const notices = new Map<string, number[]>();
  const earlier = deps.db
    .select({ orderId: sends.orderId, dueAt: sends.dueAt })
    .from(sends)
    .where(
      and(
        eq(sends.milestone, 'delay'),
        isNull(sends.resendOf),
        inArray(sends.orderId, deps.db.select({ id: orders.orderId }).from(orders).where(watched)),
      ),
    )
    .all();
  for (const r of earlier) notices.set(r.orderId, [...(notices.get(r.orderId) ?? []), r.dueAt]);
  const scheduled: WatchReport['notices'] = [];
  const registered = registeredOrderIds(deps.db);
  for (const row of candidates) {
    const verdict = delayVerdict(deps, row, notices.get(row.orderId) ?? [], now, registered.has(row.orderId));
    if (!verdict.due) continue;
    const order = orderFromRow(row);
    const planned = { ...planAt(order, 'delay', now.toMillis(), deps.profiles(order), now), seq: verdict.seq };
    if (insertRuleSend(deps.db, row.orderId, planned, now.toMillis())) scheduled.push({ orderId: row.orderId, seq: verdict.seq, why: verdict.why });
  }
  return { checked: candidates.length, scheduled: scheduled.length, notices: scheduled.slice(0, 100) };
}
