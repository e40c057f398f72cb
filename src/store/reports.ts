import type { Db } from './db.js';

/**
 * The read-only queries behind the seller's reports (at-risk, learned
 * transit, store names). Raw SQL on the prepared-statement cache of the
 * connection: these scan many rows, and Drizzle's row mapping would double
 * their cost.
 */

/** An active order that may be at risk, as the at-risk report reads it. */
export interface AtRiskCandidate {
  orderId: string;
  store: string;
  state: 'active';
  buyerName: string;
  buyerEmail: string;
  country: string;
  carrier: string;
  trackingNumber: string;
  shippedAt: number;
  stageRank: number;
}

const AT_RISK_COLUMNS = `order_id AS orderId, store, state, buyer_name AS buyerName, buyer_email AS buyerEmail, country, carrier,
              tracking_number AS trackingNumber, shipped_at AS shippedAt, stage_rank AS stageRank`;

/**
 * Active orders shipped at or before `shippedBy`; with a limit, the oldest
 * shipped first (for one store exactly, across stores by shipping date).
 * A carrier or country narrows the same index range.
 */
export function activeOrdersShippedBy(db: Db, options: { shippedBy: number; store?: string; limit?: number; carrier?: string; country?: string }): AtRiskCandidate[] {
  const tail = options.limit !== undefined ? ` ORDER BY shipped_at LIMIT ${Math.max(0, Math.floor(options.limit))}` : '';
  const lane: string[] = [];
  const params: string[] = [];
  for (const [column, value] of [['carrier', options.carrier], ['country', options.country]] as const) {
    if (value === undefined) continue;
    lane.push(` AND ${column} = ?`);
    params.push(value);
  }
  // The store condition only when asked for: "(? IS NULL OR store = ?)" would keep SQLite off the (store, state, shipped_at) index.
  return (
    options.store === undefined
      ? db.$client.prepare(`SELECT ${AT_RISK_COLUMNS} FROM orders WHERE state = 'active' AND shipped_at <= ?${lane.join('')}${tail}`).all(options.shippedBy, ...params)
      : db.$client
          .prepare(`SELECT ${AT_RISK_COLUMNS} FROM orders WHERE store = ? AND state = 'active' AND shipped_at <= ?${lane.join('')}${tail}`)
          .all(options.store, options.shippedBy, ...params)
  ) as AtRiskCandidate[];
}

export interface LastEvent {
  milestone: string | null;
  providerStatus: string | null;
  occurredAt: number | null;
}

/** A reader of each order's latest tracking event (one prepared statement for many orders). */
export function lastEventReader(db: Db): (orderId: string) => LastEvent | null {
  const statement = db.$client.prepare<[string], LastEvent>(
    `SELECT milestone, provider_status AS providerStatus, occurred_at AS occurredAt FROM tracking_events
     WHERE order_id = ? ORDER BY occurred_at DESC, id DESC LIMIT 1`,
  );
  return (orderId) => statement.get(orderId) ?? null;
}

/** Each of these orders' latest tracking event, as lastEventReader reads them (orders without one left out). */
export function lastEvents(db: Db, orderIds: readonly string[]): Array<LastEvent & { orderId: string }> {
  const read = lastEventReader(db);
  return orderIds.flatMap((orderId) => {
    const event = read(orderId);
    return event ? [{ orderId, ...event }] : [];
  });
}

/** A delivered order with what learned transit needs: its lane, shipping time, buyer's zone and first delivery scan. */
export interface DeliveredParcel {
  carrier: string;
  country: string;
  shippedAt: number;
  timezone: string;
  deliveredAt: number;
}

/** Every delivered order's first delivery scan; a delivery stamped before shipping is bad data and left out. */
export function deliveredParcels(db: Db): DeliveredParcel[] {
  return db.$client
    .prepare(
      `SELECT o.carrier AS carrier, o.country AS country, o.shipped_at AS shippedAt,
              o.buyer_timezone AS timezone, MIN(e.occurred_at) AS deliveredAt
       FROM orders o JOIN tracking_events e ON e.order_id = o.order_id
       WHERE e.milestone = 'delivered' AND e.occurred_at IS NOT NULL AND e.occurred_at >= o.shipped_at
       GROUP BY o.order_id`,
    )
    .all() as DeliveredParcel[];
}

/** Orders per carrier x country, every lane the ledger has seen. */
export function laneOrderCounts(db: Db): Array<{ carrier: string; country: string; orders: number }> {
  return db.$client
    .prepare('SELECT carrier, country, COUNT(*) AS orders FROM orders GROUP BY carrier, country ORDER BY carrier, country')
    .all() as Array<{ carrier: string; country: string; orders: number }>;
}

/** Whether any order carries this store id (through the orders' store index). */
export function storeHasOrders(db: Db, store: string): boolean {
  return db.$client.prepare('SELECT 1 FROM orders WHERE store = ? LIMIT 1').get(store) !== undefined;
}

/** Up to `limit` store ids orders carry, alphabetically (for "did you mean"). */
export function storesWithOrders(db: Db, limit: number): string[] {
  return (db.$client.prepare('SELECT DISTINCT store FROM orders ORDER BY store LIMIT ?').all(limit) as Array<{ store: string }>).map((r) => r.store);
}
