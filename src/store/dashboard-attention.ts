import type { Db } from './db.js';
import { STAGE_SCAN_ROWS } from './dashboard-orders.js';

/**
 * The needs-attention lists, each a short index range (never a scan of the
 * orders): the oldest few of each kind, with what the page needs per row.
 */

export interface AttentionOrder {
  orderId: string;
  store: string;
  carrier: string;
  country: string;
  trackingNumber: string;
  buyerEmail: string;
  shippedAt: number;
  lastEventAt: number | null;
  stageRank: number;
}

const COLUMNS = `order_id AS orderId, store, carrier, country, tracking_number AS trackingNumber, buyer_email AS buyerEmail,
  shipped_at AS shippedAt, last_event_at AS lastEventAt, stage_rank AS stageRank`;

const storeParam = (store: string | undefined) => (store === undefined ? [] : [store]);

/** The dashboard's carrier and country filters; either may be absent. */
export interface LaneFilter {
  carrier?: string;
  country?: string;
}

/** ` AND carrier = ? AND country = ?` (of `alias`), for the filters given, with their parameters. */
function laneWhere(lane: LaneFilter, alias = ''): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  for (const [column, value] of [['carrier', lane.carrier], ['country', lane.country]] as const) {
    if (value === undefined) continue;
    parts.push(` AND ${alias}${column} = ?`);
    params.push(value);
  }
  return { sql: parts.join(''), params };
}

/**
 * One index range read in its order, its first `limit` rows; with a carrier or
 * country, those of the first STAGE_SCAN_ROWS that match (as a stage's list,
 * the look is bounded: never a walk of the whole range for a rare lane).
 */
function inRange(db: Db, range: string, params: unknown[], limit: number, lane: LaneFilter): AttentionOrder[] {
  const w = laneWhere(lane);
  if (w.params.length === 0) return db.$client.prepare(`${range} LIMIT ?`).all(...params, limit) as AttentionOrder[];
  return db.$client.prepare(`SELECT * FROM (${range} LIMIT ${STAGE_SCAN_ROWS}) WHERE 1${w.sql} LIMIT ?`).all(...params, ...w.params, limit) as AttentionOrder[];
}

/**
 * Active orders whose last scan is older than `scannedBefore` (per stage, one
 * range of the (state, stage_rank, last_event_at) index), and active orders
 * shipped before it without a single scan (stage 0, no scan: one range,
 * ordered by shipping date by the index's last column); oldest first. With a
 * store, the same ranges of the index that starts with the store.
 */
export function stalledOrders(db: Db, scannedBefore: number, limit: number, store?: string, lane: LaneFilter = {}): AttentionOrder[] {
  const [index, lead, params] = store === undefined
    ? ['orders_state_stage_last_event_idx', '', []]
    : ['orders_store_state_stage_last_event_idx', 'store = ? AND ', [store]];
  const scanned = `SELECT ${COLUMNS} FROM orders INDEXED BY ${index}
     WHERE ${lead}state = 'active' AND stage_rank = ? AND last_event_at < ? ORDER BY last_event_at`;
  const never = `SELECT ${COLUMNS} FROM orders INDEXED BY ${index}
     WHERE ${lead}state = 'active' AND stage_rank = 0 AND last_event_at IS NULL AND shipped_at < ? ORDER BY shipped_at`;
  const rows = [0, 1, 2, 3].flatMap((rank) => inRange(db, scanned, [...params, rank, scannedBefore], limit, lane));
  rows.push(...inRange(db, never, [...params, scannedBefore], limit, lane));
  return rows.sort((a, b) => (a.lastEventAt ?? a.shippedAt) - (b.lastEventAt ?? b.shippedAt)).slice(0, limit);
}

/** Active orders at the post office (awaiting pickup) whose last scan is older than `scannedBefore`, oldest first. */
export function waitingAtPostOffice(db: Db, scannedBefore: number, limit: number, store?: string, lane: LaneFilter = {}): AttentionOrder[] {
  const range = store === undefined
    ? `SELECT ${COLUMNS} FROM orders INDEXED BY orders_state_stage_last_event_idx WHERE state = 'active' AND stage_rank = 3 AND last_event_at < ? ORDER BY last_event_at`
    : `SELECT ${COLUMNS} FROM orders INDEXED BY orders_store_state_stage_last_event_idx WHERE store = ? AND state = 'active' AND stage_rank = 3 AND last_event_at < ? ORDER BY last_event_at`;
  return inRange(db, range, [...storeParam(store), scannedBefore], limit, lane);
}

export interface RejectedRegistration {
  orderId: string;
  store: string;
  provider: string;
  trackingNumber: string;
  carrier: string;
  lastError: string | null;
  updatedAt: number;
}

/**
 * Registrations a provider refused, of orders still active (per provider: one
 * range of the (provider, state) index each). The statistics of a ledger
 * with few rejections make SQLite prefer a scan, and it could start from the
 * orders: INDEXED BY and CROSS JOIN keep it on the short path.
 */
export function rejectedRegistrations(db: Db, limit: number, store?: string, lane: LaneFilter = {}): RejectedRegistration[] {
  const w = laneWhere(lane, 'o.');
  return db.$client
    .prepare(
      `SELECT r.order_id AS orderId, o.store AS store, r.provider AS provider, r.tracking_number AS trackingNumber, r.carrier AS carrier,
              r.last_error AS lastError, r.updated_at AS updatedAt
       FROM tracking_registrations r INDEXED BY tracking_registrations_due_idx CROSS JOIN orders o ON o.order_id = r.order_id
       WHERE r.provider IN ('17track', 'aftership', 'trackingmore') AND r.state = 'rejected' AND o.state = 'active'${store === undefined ? '' : ' AND o.store = ?'}${w.sql}
       ORDER BY r.updated_at LIMIT ?`,
    )
    .all(...storeParam(store), ...w.params, limit) as RejectedRegistration[];
}

export interface SuppressedAddress {
  email: string;
  reason: string;
  createdAt: number;
  /** The buyer's most recent order, if any. */
  orderId: string | null;
  store: string | null;
}

/**
 * Addresses that bounced or complained (scope `all`), newest first, with the
 * buyer's latest order; with a store, carrier or country, those whose latest
 * order matches, among the newest four times `limit`.
 */
export function suppressedAddresses(db: Db, limit: number, store?: string, lane: LaneFilter = {}): SuppressedAddress[] {
  const filtered = store !== undefined || lane.carrier !== undefined || lane.country !== undefined;
  const rows = db.$client
    .prepare(
      `SELECT s.email AS email, s.reason AS reason, s.created_at AS createdAt,
              (SELECT order_id FROM orders o WHERE o.buyer_email = s.email ORDER BY shipped_at DESC LIMIT 1) AS orderId
       FROM suppressions s WHERE s.scope = 'all' ORDER BY s.created_at DESC LIMIT ?`,
    )
    .all(filtered ? limit * 4 : limit) as Array<Omit<SuppressedAddress, 'store'>>;
  const orderOf = db.$client.prepare('SELECT store, carrier, country FROM orders WHERE order_id = ?');
  return rows
    .map((r) => ({ r, o: r.orderId === null ? undefined : (orderOf.get(r.orderId) as { store: string; carrier: string; country: string } | undefined) }))
    .filter(({ o }) => (store === undefined || o?.store === store) && (lane.carrier === undefined || o?.carrier === lane.carrier) && (lane.country === undefined || o?.country === lane.country))
    .map(({ r, o }) => ({ ...r, store: o?.store ?? null }))
    .slice(0, limit);
}

export interface HeldReview {
  orderId: string;
  store: string;
  reason: string;
  openedAt: number;
  /** The held review request's planned time, if one is waiting. */
  reviewDueAt: number | null;
}

/** Orders with a dispute open (their review request is held), longest open first. */
export function heldReviews(db: Db, limit: number, store?: string, lane: LaneFilter = {}): HeldReview[] {
  const w = laneWhere(lane, 'o.');
  return db.$client
    .prepare(
      `SELECT d.order_id AS orderId, o.store AS store, d.reason AS reason, d.opened_at AS openedAt,
              (SELECT min(s.due_at) FROM sends s WHERE s.order_id = d.order_id AND s.milestone = 'day14' AND s.status IN ('scheduled', 'queued')) AS reviewDueAt
       FROM disputes d CROSS JOIN orders o ON o.order_id = d.order_id
       WHERE d.closed_at IS NULL${store === undefined ? '' : ' AND o.store = ?'}${w.sql} ORDER BY d.opened_at LIMIT ?`,
    )
    .all(...storeParam(store), ...w.params, limit) as HeldReview[];
}
