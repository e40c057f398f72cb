import { DAY_MS } from '../domain/wall-clock.js';
import type { Db } from './db.js';
import { camelRow } from './sql.js';
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

/** Not (or no longer) in exception: no exception, or a scan came after it (see STAGE_SQL). */
const MOVED_ON = '(exception_at IS NULL OR exception_at < last_event_at)';

/**
 * Per stage: the order state, and the (stage_rank, last_event_at) ranges of
 * the stall indexes that hold it (null: the state alone says); `exception`
 * is the partial index of the orders that had one.
 */
const STAGE_WHERE: Record<DashboardStage, [string, string | null]> = {
  registered: ['active', 'stage_rank IN (0, 1, 2, 3) AND last_event_at IS NULL AND exception_at IS NULL'],
  no_feed: ['active', 'stage_rank IN (0, 1, 2, 3) AND last_event_at IS NULL AND exception_at IS NULL'],
  in_transit: ['active', `stage_rank IN (0, 1) AND last_event_at IS NOT NULL AND ${MOVED_ON}`],
  customs: ['active', `stage_rank = 2 AND last_event_at IS NOT NULL AND ${MOVED_ON}`],
  post_office: ['active', `stage_rank >= 3 AND last_event_at IS NOT NULL AND ${MOVED_ON}`],
  exception: ['active', 'exception_at IS NOT NULL AND exception_at >= coalesce(last_event_at, 0)'],
  delivered: ['delivered', null],
  returned: ['returned', null],
  cancelled: ['cancelled', null],
};

/** With a carrier or country, a segment's list looks at no more than this many of the newest orders of its stage. */
export const STAGE_SCAN_ROWS = 5_000;
/** First look: the newest this many orders of the stage's state. */
const DENSE_SCAN_ROWS = 2_000;

/**
 * The newest orders of one stage shipped in the period (a segment's list).
 * The rows are picked inside one index, never in the table: (state,
 * shipped_at) for the final states, the stall index (state, stage_rank,
 * last_event_at, shipped_at) for the active ones, each led by the store when
 * there is one (an exception: the partial index of the orders that had
 * one; at customs: the partial index of those, newest first, whose store
 * columns it carries itself, so it needs no first look). A carrier or country is checked on the newest STAGE_SCAN_ROWS of those. `no_feed` is `registered` shipped before `noFeedBefore`.
 */
export function ordersInStage(db: Db, f: DashboardFilter, stage: DashboardStage, limit: number, noFeedBefore: number): OrderRow[] {
  const [state, ranges] = STAGE_WHERE[stage];
  let from = f.fromDay * DAY_MS;
  let to = (f.toDay + 1) * DAY_MS;
  if (stage === 'no_feed') to = Math.min(to, noFeedBefore);
  if (stage === 'registered') from = Math.max(from, noFeedBefore);
  const byStore = f.store !== undefined;
  const index = stage === 'exception' ? 'orders_exception_idx'
    : stage === 'customs' ? 'orders_customs_idx'
    : ranges === null ? (byStore ? 'orders_store_state_shipped_idx' : 'orders_state_shipped_idx')
    : byStore ? 'orders_store_state_stage_last_event_idx' : 'orders_state_stage_last_event_idx';
  const where = [...(byStore ? ['store = ?'] : []), 'state = ?', ...(ranges ? [ranges] : []), 'shipped_at >= ?', 'shipped_at < ?'];
  const params: unknown[] = [...(byStore ? [f.store] : []), state, from, to];
  const lane: string[] = [];
  const laneParams: unknown[] = [];
  for (const [column, value] of [['carrier', f.carrier], ['country', f.country]] as const) {
    if (value === undefined) continue;
    lane.push(`${column} = ?`);
    laneParams.push(value);
  }
  // A common stage is found among the newest few thousand of its state at once; a rare one is a short range of its index.
  if ((ranges !== null || lane.length > 0) && stage !== 'customs') {
    const byShipping = byStore ? 'orders_store_state_shipped_idx' : 'orders_state_shipped_idx';
    const dense = db.$client
      .prepare(
        `SELECT * FROM (SELECT * FROM orders INDEXED BY ${byShipping} WHERE ${byStore ? 'store = ? AND ' : ''}state = ? AND shipped_at >= ? AND shipped_at < ?
           ORDER BY shipped_at DESC LIMIT ${DENSE_SCAN_ROWS}) WHERE ${[ranges ?? '1', ...lane].join(' AND ')} ORDER BY shipped_at DESC LIMIT ?`,
      )
      .all(...params, ...laneParams, limit);
    if (dense.length === limit) return dense.map(camelRow) as OrderRow[];
  }
  const picked = `SELECT rowid FROM orders INDEXED BY ${index} WHERE ${where.join(' AND ')} ORDER BY shipped_at DESC LIMIT ${lane.length > 0 ? STAGE_SCAN_ROWS : '?'}`;
  const sql = `SELECT * FROM orders WHERE rowid IN (${picked})${lane.length > 0 ? ` AND ${lane.join(' AND ')}` : ''} ORDER BY shipped_at DESC LIMIT ?`;
  return db.$client
    .prepare(sql)
    .all(...params, ...(lane.length > 0 ? laneParams : [limit]), limit)
    .map(camelRow) as OrderRow[];
}


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
