import { and, asc, desc, eq, gte, isNotNull, lte, min, sql } from 'drizzle-orm';
import type { Ledger, QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../reports.js';
import type { AtRiskCandidate, DeliveredParcel, LastEvent } from '../reports.js';
import { orders, trackingEvents } from '../schema-pg.js';
import type { PgQ } from './queries.js';

/** Text in SQLite's order (bytes), whatever the database's collation. */
const bytewise = (column: { name: string }) => sql`${column} COLLATE "C"`;

/**
 * Oldest shipped first, limit or not: SQLite reads them from its (state,
 * shipped_at) index either way. Among equal shipping times it meets them in
 * insertion order, for which the creation time (then the id) stands in.
 */
function activeOrdersShippedBy(db: PgQ, options: { shippedBy: number; store?: string; limit?: number; carrier?: string; country?: string }): Promise<AtRiskCandidate[]> {
  const query = db
    .select({
      orderId: orders.orderId,
      store: orders.store,
      state: sql<'active'>`${orders.state}`,
      buyerName: orders.buyerName,
      buyerEmail: orders.buyerEmail,
      country: orders.country,
      carrier: orders.carrier,
      trackingNumber: orders.trackingNumber,
      shippedAt: orders.shippedAt,
      stageRank: orders.stageRank,
    })
    .from(orders)
    .where(and(
      options.store === undefined ? undefined : eq(orders.store, options.store), eq(orders.state, 'active'), lte(orders.shippedAt, options.shippedBy),
      options.carrier === undefined ? undefined : eq(orders.carrier, options.carrier), options.country === undefined ? undefined : eq(orders.country, options.country),
    ))
    .orderBy(asc(orders.shippedAt), asc(orders.createdAt), asc(orders.orderId));
  return options.limit !== undefined ? query.limit(Math.max(0, Math.floor(options.limit))) : query;
}

/** Newest first; SQLite sorts an event without a time after every dated one (PostgreSQL would put it first). */
export function pgLastEventReader(db: PgQ): ReturnType<Ledger['lastEventReader']> {
  const statement = db
    .select({ milestone: trackingEvents.milestone, providerStatus: trackingEvents.providerStatus, occurredAt: trackingEvents.occurredAt })
    .from(trackingEvents)
    .where(eq(trackingEvents.orderId, sql.placeholder('orderId')))
    .orderBy(sql`${trackingEvents.occurredAt} DESC NULLS LAST`, desc(trackingEvents.id))
    .limit(1)
    .prepare('postship_last_event');
  return async (orderId) => (await statement.execute({ orderId }))[0] ?? null;
}

/** Each order's latest event in one statement per thousand orders (a round trip per order cost 0.25 ms at 1,000,000). */
async function lastEvents(db: PgQ, orderIds: readonly string[]): Promise<Array<LastEvent & { orderId: string }>> {
  const found = new Map<string, LastEvent & { orderId: string }>();
  for (let i = 0; i < orderIds.length; i += 1_000) {
    const chunk = orderIds.slice(i, i + 1_000);
    const rows = await db.execute<{ orderId: string; milestone: string | null; providerStatus: string | null; occurredAt: number | null }>(sql`
      SELECT DISTINCT ON (order_id) order_id AS "orderId", milestone, provider_status AS "providerStatus", occurred_at AS "occurredAt"
      FROM ${trackingEvents} WHERE order_id = ANY(${sql.param(chunk)}::text[])
      ORDER BY order_id, occurred_at DESC NULLS LAST, id DESC`);
    for (const row of rows.rows) found.set(row.orderId, row);
  }
  // In the order asked, as SQLite's twin gives them.
  return orderIds.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
}

/** By order id, the order SQLite's GROUP BY leaves them in. */
function deliveredParcels(db: PgQ): Promise<DeliveredParcel[]> {
  return db
    .select({
      carrier: orders.carrier,
      country: orders.country,
      shippedAt: orders.shippedAt,
      timezone: orders.buyerTimezone,
      deliveredAt: sql<number>`${min(trackingEvents.occurredAt)}`,
    })
    .from(orders)
    .innerJoin(trackingEvents, eq(trackingEvents.orderId, orders.orderId))
    .where(and(eq(trackingEvents.milestone, 'delivered'), isNotNull(trackingEvents.occurredAt), gte(trackingEvents.occurredAt, orders.shippedAt)))
    .groupBy(orders.orderId)
    .orderBy(bytewise(orders.orderId));
}

function laneOrderCounts(db: PgQ): Promise<Array<{ carrier: string; country: string; orders: number }>> {
  return db
    .select({ carrier: orders.carrier, country: orders.country, orders: sql<number>`count(*)::int` })
    .from(orders)
    .groupBy(orders.carrier, orders.country)
    .orderBy(bytewise(orders.carrier), bytewise(orders.country));
}

async function storeHasOrders(db: PgQ, store: string): Promise<boolean> {
  return (await db.select({ one: sql`1` }).from(orders).where(eq(orders.store, store)).limit(1)).length > 0;
}

async function storesWithOrders(db: PgQ, limit: number): Promise<string[]> {
  const rows = await db.select({ store: orders.store }).from(orders).groupBy(orders.store).orderBy(bytewise(orders.store)).limit(limit);
  return rows.map((r) => r.store);
}

/** PostgreSQL twins of `src/store/reports.ts`. */
export function pgReportsQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    activeOrdersShippedBy: (options) => activeOrdersShippedBy(db, options),
    deliveredParcels: () => deliveredParcels(db),
    laneOrderCounts: () => laneOrderCounts(db),
    lastEvents: (orderIds) => lastEvents(db, orderIds),
    storeHasOrders: (store) => storeHasOrders(db, store),
    storesWithOrders: (limit) => storesWithOrders(db, limit),
  };
}
