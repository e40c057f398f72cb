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

/** Per stage: the order state, and what else tells the stage apart among orders of that state. */
const STAGE_WHERE: Record<DashboardStage, [string, string]> = {
  registered: ['active', 'last_event_at IS NULL'],
  no_feed: ['active', 'last_event_at IS NULL'],
  in_transit: ['active', 'last_event_at IS NOT NULL AND stage_rank < 2'],
  customs: ['active', 'last_event_at IS NOT NULL AND stage_rank = 2'],
  post_office: ['active', 'last_event_at IS NOT NULL AND stage_rank >= 3'],
  delivered: ['delivered', '1'],
  returned: ['returned', '1'],
  cancelled: ['cancelled', '1'],
};

/** A segment's list looks at no more than this many of the newest orders of its state: a bounded walk of one index range. */
export const STAGE_SCAN_ROWS = 20_000;

/**
 * The newest orders of one stage shipped in the period (a segment's list):
 * the newest STAGE_SCAN_ROWS orders of the stage's state along the
 * (state, shipped_at) or (store, state, shipped_at) index, filtered to the
 * stage, carrier and country, at most `limit`. `no_feed` is `registered`
 * shipped before `noFeedBefore`.
 */
export function ordersInStage(db: Db, f: DashboardFilter, stage: DashboardStage, limit: number, noFeedBefore: number): OrderRow[] {
  const [state, residual] = STAGE_WHERE[stage];
  let from = f.fromDay * DAY_MS;
  let to = (f.toDay + 1) * DAY_MS;
  if (stage === 'no_feed') to = Math.min(to, noFeedBefore);
  if (stage === 'registered') from = Math.max(from, noFeedBefore);
  const outer = [residual];
  const params: unknown[] = [];
  for (const [column, value] of [['carrier', f.carrier], ['country', f.country]] as const) {
    if (value === undefined) continue;
    outer.push(`${column} = ?`);
    params.push(value);
  }
  const inner = f.store === undefined
    ? { sql: 'SELECT * FROM orders INDEXED BY orders_state_shipped_idx WHERE state = ? AND shipped_at >= ? AND shipped_at < ?', params: [state, from, to] }
    : { sql: 'SELECT * FROM orders INDEXED BY orders_store_state_shipped_idx WHERE store = ? AND state = ? AND shipped_at >= ? AND shipped_at < ?', params: [f.store, state, from, to] };
  return db.$client
    .prepare(`SELECT * FROM (${inner.sql} ORDER BY shipped_at DESC LIMIT ${STAGE_SCAN_ROWS}) WHERE ${outer.join(' AND ')} ORDER BY shipped_at DESC LIMIT ?`)
    .all(...inner.params, ...params, limit)
    .map(camel) as OrderRow[];
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
