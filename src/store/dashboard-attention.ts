import type { Db } from './db.js';

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

/**
 * Active orders whose last scan is older than `scannedBefore` (per stage, one
 * range of the (state, stage_rank, last_event_at) index), and active orders
 * shipped before it without a single scan (stage 0, no scan: one range,
 * ordered by shipping date by the index's last column); oldest first. With a
 * store, the same ranges of the index that starts with the store.
 */
export function stalledOrders(db: Db, scannedBefore: number, limit: number, store?: string): AttentionOrder[] {
  const [index, lead, params] = store === undefined
    ? ['orders_state_stage_last_event_idx', '', []]
    : ['orders_store_state_stage_last_event_idx', 'store = ? AND ', [store]];
  const scanned = db.$client.prepare(
    `SELECT ${COLUMNS} FROM orders INDEXED BY ${index}
     WHERE ${lead}state = 'active' AND stage_rank = ? AND last_event_at < ? ORDER BY last_event_at LIMIT ?`,
  );
  const never = db.$client.prepare(
    `SELECT ${COLUMNS} FROM orders INDEXED BY ${index}
     WHERE ${lead}state = 'active' AND stage_rank = 0 AND last_event_at IS NULL AND shipped_at < ? ORDER BY shipped_at LIMIT ?`,
  );
  const rows = [0, 1, 2, 3].flatMap((rank) => scanned.all(...params, rank, scannedBefore, limit) as AttentionOrder[]);
  rows.push(...(never.all(...params, scannedBefore, limit) as AttentionOrder[]));
  return rows.sort((a, b) => (a.lastEventAt ?? a.shippedAt) - (b.lastEventAt ?? b.shippedAt)).slice(0, limit);
}

/** Active orders at the post office (awaiting pickup) whose last scan is older than `scannedBefore`, oldest first. */
export function waitingAtPostOffice(db: Db, scannedBefore: number, limit: number, store?: string): AttentionOrder[] {
  return db.$client
    .prepare(
      store === undefined
        ? `SELECT ${COLUMNS} FROM orders INDEXED BY orders_state_stage_last_event_idx WHERE state = 'active' AND stage_rank = 3 AND last_event_at < ? ORDER BY last_event_at LIMIT ?`
        : `SELECT ${COLUMNS} FROM orders INDEXED BY orders_store_state_stage_last_event_idx WHERE store = ? AND state = 'active' AND stage_rank = 3 AND last_event_at < ? ORDER BY last_event_at LIMIT ?`,
    )
    .all(...storeParam(store), scannedBefore, limit) as AttentionOrder[];
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
export function rejectedRegistrations(db: Db, limit: number, store?: string): RejectedRegistration[] {
  return db.$client
    .prepare(
      `SELECT r.order_id AS orderId, o.store AS store, r.provider AS provider, r.tracking_number AS trackingNumber, r.carrier AS carrier,
              r.last_error AS lastError, r.updated_at AS updatedAt
       FROM tracking_registrations r INDEXED BY tracking_registrations_due_idx CROSS JOIN orders o ON o.order_id = r.order_id
       WHERE r.provider IN ('17track', 'aftership', 'trackingmore') AND r.state = 'rejected' AND o.state = 'active'${store === undefined ? '' : ' AND o.store = ?'}
       ORDER BY r.updated_at LIMIT ?`,
    )
    .all(...storeParam(store), limit) as RejectedRegistration[];
}

export interface SuppressedAddress {
  email: string;
  reason: string;
  createdAt: number;
  /** The buyer's most recent order, if any. */
  orderId: string | null;
  store: string | null;
}

/** Addresses that bounced or complained (scope `all`), newest first, with the buyer's latest order. */
export function suppressedAddresses(db: Db, limit: number, store?: string): SuppressedAddress[] {
  const rows = db.$client
    .prepare(
      `SELECT s.email AS email, s.reason AS reason, s.created_at AS createdAt,
              (SELECT order_id FROM orders o WHERE o.buyer_email = s.email ORDER BY shipped_at DESC LIMIT 1) AS orderId
       FROM suppressions s WHERE s.scope = 'all' ORDER BY s.created_at DESC LIMIT ?`,
    )
    .all(store === undefined ? limit : limit * 4) as Array<Omit<SuppressedAddress, 'store'>>;
  const storeOf = db.$client.prepare('SELECT store FROM orders WHERE order_id = ?');
  return rows
    .map((r) => ({ ...r, store: r.orderId === null ? null : ((storeOf.get(r.orderId) as { store: string } | undefined)?.store ?? null) }))
    .filter((r) => store === undefined || r.store === store)
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
export function heldReviews(db: Db, limit: number, store?: string): HeldReview[] {
  return db.$client
    .prepare(
      `SELECT d.order_id AS orderId, o.store AS store, d.reason AS reason, d.opened_at AS openedAt,
              (SELECT min(s.due_at) FROM sends s WHERE s.order_id = d.order_id AND s.milestone = 'day14' AND s.status IN ('scheduled', 'queued')) AS reviewDueAt
       FROM disputes d CROSS JOIN orders o ON o.order_id = d.order_id
       WHERE d.closed_at IS NULL${store === undefined ? '' : ' AND o.store = ?'} ORDER BY d.opened_at LIMIT ?`,
    )
    .all(...storeParam(store), limit) as HeldReview[];
}
