import { DAY_MS } from '../domain/wall-clock.js';
import type { Db } from './db.js';
import { getOrder, type OrderRow } from './ledger.js';
import type { DashboardFilter, DashboardStage } from './dashboard.js';

/** Orders matching a search: the order id, else a tracking number, else a buyer's email (newest first). */
export function findOrders(db: Db, query: string, limit = 20): OrderRow[] {
  const byId = getOrder(db, query);
  if (byId) return [byId];
  const ids = (
    query.includes('@')
      ? db.$client.prepare('SELECT order_id AS orderId FROM orders WHERE buyer_email = ? ORDER BY shipped_at DESC LIMIT ?').all(query.toLowerCase(), limit)
      : db.$client.prepare('SELECT order_id AS orderId FROM orders WHERE tracking_number = ? ORDER BY shipped_at DESC LIMIT ?').all(query, limit)
  ) as Array<{ orderId: string }>;
  if (ids.length === 0 && query.includes('@')) {
    // Addresses are stored as entered: try the exact spelling too.
    ids.push(...(db.$client.prepare('SELECT order_id AS orderId FROM orders WHERE buyer_email = ? ORDER BY shipped_at DESC LIMIT ?').all(query, limit) as Array<{ orderId: string }>));
  }
  return ids.map((r) => getOrder(db, r.orderId)!).filter(Boolean);
}

export interface OrderEvent {
  id: number;
  occurredAt: number | null;
  receivedAt: number;
  milestone: string | null;
  providerStatus: string | null;
  provider: string;
  source: string;
  outcome: string | null;
  raw: string;
}

/** An order's tracking events (and ones for its number not matched yet), oldest first, with the provider's payload. */
export function orderEvents(db: Db, order: Pick<OrderRow, 'orderId' | 'trackingNumber'>): OrderEvent[] {
  return db.$client
    .prepare(
      `SELECT id, occurred_at AS occurredAt, received_at AS receivedAt, milestone, provider_status AS providerStatus, provider, source, outcome, raw
       FROM tracking_events WHERE order_id = ? OR (order_id IS NULL AND tracking_number = ?) ORDER BY coalesce(occurred_at, received_at), id`,
    )
    .all(order.orderId, order.trackingNumber) as OrderEvent[];
}

const STAGE_WHERE: Record<DashboardStage, string> = {
  registered: "state = 'active' AND last_event_at IS NULL",
  no_feed: "state = 'active' AND last_event_at IS NULL",
  in_transit: "state = 'active' AND last_event_at IS NOT NULL AND stage_rank < 2",
  customs: "state = 'active' AND last_event_at IS NOT NULL AND stage_rank = 2",
  post_office: "state = 'active' AND last_event_at IS NOT NULL AND stage_rank >= 3",
  delivered: "state = 'delivered'",
  returned: "state = 'returned'",
  cancelled: "state = 'cancelled'",
};

/**
 * The newest orders of one stage shipped in the period (a segment's list):
 * walks the (state, shipped_at) or (store, state, shipped_at) index backwards
 * and stops at `limit`. `no_feed` is `registered` shipped before `noFeedBefore`.
 */
export function ordersInStage(db: Db, f: DashboardFilter, stage: DashboardStage, limit: number, noFeedBefore: number): OrderRow[] {
  const parts = [STAGE_WHERE[stage], 'shipped_at >= ?', 'shipped_at < ?'];
  const to = stage === 'no_feed' ? Math.min((f.toDay + 1) * DAY_MS, noFeedBefore) : stage === 'registered' ? Math.max(f.fromDay * DAY_MS, noFeedBefore) : null;
  const params: unknown[] = stage === 'registered' ? [to, (f.toDay + 1) * DAY_MS] : [f.fromDay * DAY_MS, to ?? (f.toDay + 1) * DAY_MS];
  for (const [column, value] of [['store', f.store], ['carrier', f.carrier], ['country', f.country]] as const) {
    if (value === undefined) continue;
    parts.push(`${column} = ?`);
    params.push(value);
  }
  return db.$client.prepare(`SELECT * FROM orders WHERE ${parts.join(' AND ')} ORDER BY shipped_at DESC LIMIT ?`).all(...params, limit).map(camel) as OrderRow[];
}

const camel = (row: unknown): unknown =>
  Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

export interface DayCount {
  day: string;
  milestone: string;
  count: number;
}

/** Sent letters per UTC day and milestone since `fromMs`, from the count table. */
export function sentPerDay(db: Db, fromMs: number, store?: string): DayCount[] {
  return db.$client
    .prepare(
      `SELECT date(day * 86400, 'unixepoch') AS day, milestone, sum(n) AS count FROM dashboard_send_counts
       WHERE status = 'sent' AND day >= ?${store === undefined ? '' : ' AND store = ?'} GROUP BY 1, 2 HAVING sum(n) > 0 ORDER BY 1, 2`,
    )
    .all(Math.floor(fromMs / DAY_MS), ...(store === undefined ? [] : [store])) as DayCount[];
}
