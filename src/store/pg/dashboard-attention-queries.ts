import { sql, type SQL } from 'drizzle-orm';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../dashboard-attention.js';
import type { AttentionOrder, HeldReview, LaneFilter, RejectedRegistration, SuppressedAddress } from '../dashboard-attention.js';
import { STAGE_SCAN_ROWS } from '../dashboard-orders.js';
import type { PgQ } from './queries.js';

const COLUMNS = sql.raw(`order_id AS "orderId", store, carrier, country, tracking_number AS "trackingNumber", buyer_email AS "buyerEmail",
  shipped_at AS "shippedAt", last_event_at AS "lastEventAt", stage_rank AS "stageRank"`);

const ofStore = (store: string | undefined, column = sql.raw('store')): SQL => (store === undefined ? sql`` : sql` AND ${column} = ${store}`);

/** As SQLite's laneWhere: ` AND carrier = … AND country = …` (of `alias`) for the filters given. */
const ofLane = (lane: LaneFilter, alias = ''): SQL =>
  sql.join([
    lane.carrier === undefined ? sql`` : sql` AND ${sql.raw(`${alias}carrier`)} = ${lane.carrier}`,
    lane.country === undefined ? sql`` : sql` AND ${sql.raw(`${alias}country`)} = ${lane.country}`,
  ]);
const hasLane = (lane: LaneFilter) => lane.carrier !== undefined || lane.country !== undefined;

/**
 * The active orders of one rank last scanned before `scannedBefore`, oldest
 * scan first: one range of the (store,) state, stage_rank, last_event_at,
 * shipped_at index, read in its order (the order id, as bytes, only breaks a
 * full tie, where SQLite takes the rowid).
 */
const scanned = (rank: number, scannedBefore: number, limit: number, store: string | undefined, lane: LaneFilter = {}) => inRange(sql`
  SELECT ${COLUMNS} FROM orders WHERE state = 'active' AND stage_rank = ${rank} AND last_event_at < ${scannedBefore}${ofStore(store)}`, limit, lane);

const OLDEST = sql.raw(`ORDER BY last_event_at, shipped_at, order_id COLLATE "C"`);

/** As SQLite's inRange: the range's first `limit` rows, or with a lane those of its first STAGE_SCAN_ROWS that match. */
function inRange(range: SQL, limit: number, lane: LaneFilter): SQL {
  if (!hasLane(lane)) return sql`${range} ${OLDEST} LIMIT ${limit}`;
  return sql`SELECT * FROM (${range} ${OLDEST} LIMIT ${STAGE_SCAN_ROWS}) l WHERE true${ofLane(lane)}
  ORDER BY "lastEventAt", "shippedAt", "orderId" COLLATE "C" LIMIT ${limit}`;
}

/** PostgreSQL twins of `src/store/dashboard-attention.ts`. */
export function pgDashboardAttentionQueries(db: PgQ): QueriesOf<typeof sqlite> {
  const rows = async <T>(query: SQL) => (await db.execute(query)).rows as unknown as T[];

  return {
    /**
     * SQLite's five ranges (ranks 0-3 scanned, rank 0 never scanned) in one
     * statement, then its stable sort: by last scan else shipping date, equal
     * times in the order the ranges were read.
     */
    async stalledOrders(scannedBefore, limit, store, lane = {}) {
      // The never-scanned range orders by last_event_at too (all NULL, so by shipped_at): PostgreSQL takes no
      // ordering from IS NULL, but from the ORDER BY it sees the index's own order and stops at the limit.
      const branches = [0, 1, 2, 3].map((rank) => sql`(SELECT ${sql.raw(String(rank))} AS branch, * FROM (${scanned(rank, scannedBefore, limit, store, lane)}) r)`);
      branches.push(sql`(SELECT 4 AS branch, * FROM (${inRange(sql`
        SELECT ${COLUMNS} FROM orders WHERE state = 'active' AND stage_rank = 0 AND last_event_at IS NULL AND shipped_at < ${scannedBefore}${ofStore(store)}`, limit, lane)}) r)`);
      const found = await rows<AttentionOrder & { branch?: number }>(sql`
        SELECT * FROM (${sql.join(branches, sql` UNION ALL `)}) b
        ORDER BY coalesce("lastEventAt", "shippedAt"), branch, "shippedAt", "orderId" COLLATE "C" LIMIT ${limit}`);
      return found.map(({ branch: _, ...order }) => order);
    },

    async waitingAtPostOffice(scannedBefore, limit, store, lane = {}) {
      return rows<AttentionOrder>(scanned(3, scannedBefore, limit, store, lane));
    },

    async rejectedRegistrations(limit, store, lane = {}) {
      // The providers SQLite names (the ones with a due index range to read), not whatever the domain lists later.
      return rows<RejectedRegistration>(sql`
        SELECT r.order_id AS "orderId", o.store AS store, r.provider AS provider, r.tracking_number AS "trackingNumber", r.carrier AS carrier,
               r.last_error AS "lastError", r.updated_at AS "updatedAt"
        FROM tracking_registrations r JOIN orders o ON o.order_id = r.order_id
        WHERE r.provider IN ('17track', 'aftership', 'trackingmore') AND r.state = 'rejected' AND o.state = 'active'${ofStore(store, sql.raw('o.store'))}${ofLane(lane, 'o.')}
        ORDER BY r.updated_at, r.order_id COLLATE "C" LIMIT ${limit}`);
    },

    /** The newest suppressions (four times as many with a filter, as on SQLite), each with its buyer's latest order, then the filters. */
    async suppressedAddresses(limit, store, lane = {}) {
      const filtered = store !== undefined || hasLane(lane);
      const found = await rows<SuppressedAddress & { carrier: string | null; country: string | null }>(sql`
        SELECT s.email AS email, s.reason AS reason, s.created_at AS "createdAt", o.order_id AS "orderId", o.store AS store, o.carrier AS carrier, o.country AS country
        FROM (SELECT email, reason, created_at FROM suppressions WHERE scope = 'all' ORDER BY created_at DESC, email COLLATE "C" DESC LIMIT ${filtered ? limit * 4 : limit}) s
        LEFT JOIN LATERAL (SELECT order_id, store, carrier, country FROM orders WHERE buyer_email = s.email ORDER BY shipped_at DESC, order_id COLLATE "C" DESC LIMIT 1) o ON true
        ORDER BY s.created_at DESC, s.email COLLATE "C" DESC`);
      return found
        .filter((r) => (store === undefined || r.store === store) && (lane.carrier === undefined || r.carrier === lane.carrier) && (lane.country === undefined || r.country === lane.country))
        .slice(0, limit)
        .map(({ carrier: _c, country: _k, ...r }) => r);
    },

    async heldReviews(limit, store, lane = {}) {
      // Equal opening times in id order: SQLite reads the disputes_open_idx range, whose ties are in rowid (= id) order.
      return rows<HeldReview>(sql`
        SELECT d.order_id AS "orderId", o.store AS store, d.reason AS reason, d.opened_at AS "openedAt",
               (SELECT min(s.due_at) FROM sends s WHERE s.order_id = d.order_id AND s.milestone = 'day14' AND s.status IN ('scheduled', 'queued')) AS "reviewDueAt"
        FROM disputes d JOIN orders o ON o.order_id = d.order_id
        WHERE d.closed_at IS NULL${ofStore(store, sql.raw('o.store'))}${ofLane(lane, 'o.')} ORDER BY d.opened_at, d.id LIMIT ${limit}`);
    },
  };
}
