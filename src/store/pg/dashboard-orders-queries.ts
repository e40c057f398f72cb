import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { DAY_MS } from '../../domain/wall-clock.js';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../dashboard-orders.js';
import { STAGE_SCAN_ROWS, type DayCount, type OrderEvent } from '../dashboard-orders.js';
import type { DashboardFilter, DashboardStage } from '../dashboard.js';
import type { OrderRow } from '../ledger.js';
import { dashboardSendCounts, dashboardStageCounts as stages, orders, trackingEvents } from '../schema-pg.js';
import { byBytes } from './dashboard-queries.js';
import type { PgQ } from './queries.js';

type OrderState = OrderRow['state'];
type Columns = Pick<typeof orders, 'stageRank' | 'lastEventAt' | 'exceptionAt'>;

/** Not (or no longer) in exception, as SQLite's MOVED_ON. */
const movedOn = (c: Columns) => or(isNull(c.exceptionAt), lt(c.exceptionAt, c.lastEventAt))!;

/** Per stage, as SQLite's STAGE_WHERE: the order state, and the (stage_rank, last_event_at) ranges of the stall indexes (null: the state alone says). */
const STAGE_WHERE: Record<DashboardStage, [OrderState, ((c: Columns) => SQL) | null]> = {
  registered: ['active', (c) => and(inArray(c.stageRank, [0, 1, 2, 3]), isNull(c.lastEventAt), isNull(c.exceptionAt))!],
  no_feed: ['active', (c) => and(inArray(c.stageRank, [0, 1, 2, 3]), isNull(c.lastEventAt), isNull(c.exceptionAt))!],
  in_transit: ['active', (c) => and(inArray(c.stageRank, [0, 1]), isNotNull(c.lastEventAt), movedOn(c))!],
  customs: ['active', (c) => and(eq(c.stageRank, 2), isNotNull(c.lastEventAt), movedOn(c))!],
  post_office: ['active', (c) => and(gte(c.stageRank, 3), isNotNull(c.lastEventAt), movedOn(c))!],
  exception: ['active', (c) => and(isNotNull(c.exceptionAt), gte(c.exceptionAt, sql`coalesce(${c.lastEventAt}, 0)`))!],
  delivered: ['delivered', null],
  returned: ['returned', null],
  cancelled: ['cancelled', null],
};

/** First look, as on SQLite: the newest this many orders of the stage's state. */
const DENSE_SCAN_ROWS = 2_000;
/** A stage with no more than one in this many of the active orders is rare: its range is read whole and sorted. */
const RARE_SHARE = 10;
/** The count table's names of the stages of active orders. */
const ACTIVE_STAGES = ['registered', 'in_transit', 'customs', 'post_office', 'exception'];

/**
 * Newest first. SQLite leaves orders shipped in the same millisecond in no
 * fixed order (it varies with the LIMIT); here the order id, as bytes, breaks
 * the tie, so a list is the same from one page view to the next.
 */
const newestOf = (c: Pick<typeof orders, 'shippedAt' | 'orderId'>) => [desc(c.shippedAt), desc(byBytes(c.orderId))];

/** PostgreSQL twins of `src/store/dashboard-orders.ts`. */
export function pgDashboardOrdersQueries(db: PgQ): QueriesOf<typeof sqlite> {
  const newest = (where: SQL | undefined, limit: number) => db.select().from(orders).where(where).orderBy(...newestOf(orders)).limit(limit);
  /**
   * The newest of a stage's own range, read whole as SQLite's INDEXED BY reads
   * it: OFFSET 0 keeps the range from being flattened into the ORDER BY ... LIMIT
   * above, so PostgreSQL picks the rows by the stall index's conditions instead
   * of walking (state, shipped_at) back from the newest in the hope of meeting
   * the stage soon (on 1,000,000 orders with none in transit it walked all
   * 323,000 active ones, 0.7-1.1 s, to return none). Only for a small range:
   * a big one is met soon by the walk.
   */
  const newestInRange = ((where: SQL | undefined, limit: number) => {
    // drizzle leaves out a numeric offset of 0, so the fence is written as SQL.
    const range = db.select().from(orders).where(where).offset(sql`0` as unknown as number).as('r');
    return db.select().from(range).orderBy(...newestOf(range as unknown as typeof orders)).limit(limit);
  }) as unknown as typeof newest; // the same rows and columns, from a subquery
  /**
   * Whether an active stage is rare among the active orders of the store and
   * period (the count table, the lane aside): then its range is read whole,
   * else the walk from the newest meets it soon.
   */
  const isRare = async (f: DashboardFilter, stage: DashboardStage, from: number, to: number) => {
    const counted = stage === 'no_feed' ? 'registered' : stage;
    const [row] = await db
      .select({
        stage: sql<number>`coalesce(sum(${stages.n}) FILTER (WHERE ${stages.stage} = ${counted}), 0)::int`,
        active: sql<number>`coalesce(sum(${stages.n}), 0)::int`,
      })
      .from(stages)
      .where(and(inArray(stages.stage, ACTIVE_STAGES), f.store === undefined ? undefined : eq(stages.store, f.store),
        gte(stages.shipDay, Math.floor(from / DAY_MS)), lt(stages.shipDay, Math.ceil(to / DAY_MS))));
    return (row?.stage ?? 0) * RARE_SHARE <= (row?.active ?? 0);
  };

  return {
    async findOrders(query, limit = 20) {
      const [byId] = await db.select().from(orders).where(eq(orders.orderId, query));
      if (byId) return [byId];
      if (!query.includes('@')) return newest(eq(orders.trackingNumber, query), limit);
      const rows = await newest(eq(orders.buyerEmail, query.toLowerCase()), limit);
      // Addresses are stored as entered: try the exact spelling too.
      return rows.length > 0 ? rows : newest(eq(orders.buyerEmail, query), limit);
    },

    async orderEvents(order) {
      const T = trackingEvents;
      return (await db
        .select({ id: T.id, occurredAt: T.occurredAt, receivedAt: T.receivedAt, milestone: T.milestone, providerStatus: T.providerStatus, provider: T.provider, source: T.source, outcome: T.outcome, raw: T.raw })
        .from(T)
        .where(or(eq(T.orderId, order.orderId), and(isNull(T.orderId), eq(T.trackingNumber, order.trackingNumber))))
        .orderBy(sql`coalesce(${T.occurredAt}, ${T.receivedAt})`, T.id)) as OrderEvent[];
    },

    /**
     * SQLite's two steps, the same answer: the newest DENSE_SCAN_ROWS of the
     * state, filtered, when that fills the list; else the stage's own range
     * of the stall index, of which a lane filter sees the newest STAGE_SCAN_ROWS.
     */
    async ordersInStage(f, stage, limit, noFeedBefore) {
      const [state, ranges] = STAGE_WHERE[stage];
      let from = f.fromDay * DAY_MS;
      let to = (f.toDay + 1) * DAY_MS;
      if (stage === 'no_feed') to = Math.min(to, noFeedBefore);
      if (stage === 'registered') from = Math.max(from, noFeedBefore);
      const ofState = and(f.store === undefined ? undefined : eq(orders.store, f.store), eq(orders.state, state), gte(orders.shippedAt, from), lt(orders.shippedAt, to));
      const lane = (c: Pick<typeof orders, 'carrier' | 'country'>) =>
        and(f.carrier === undefined ? undefined : eq(c.carrier, f.carrier), f.country === undefined ? undefined : eq(c.country, f.country));
      const hasLane = f.carrier !== undefined || f.country !== undefined;
      const within = async (where: SQL | undefined, rows: number, keep: (c: typeof orders) => SQL | undefined, pick: typeof newest = newest) => {
        const w = pick(where, rows).as('w');
        return (await db.select().from(w).where(keep(w as unknown as typeof orders)).orderBy(...newestOf(w as unknown as typeof orders)).limit(limit)) as OrderRow[];
      };
      if (stage === 'customs') {
        // Its own partial index (orders_customs_idx, stage_rank = 2 spelled out so the planner matches it), newest
        // first; the state is checked on the newest STAGE_SCAN_ROWS it gives (they are nearly all active). Named in
        // the scan itself, the state led PostgreSQL to walk (state, shipped_at) back through 147,000 newer active
        // orders (390 ms at 1,000,000 orders); hidden in an expression, to misjudge it and sort the whole range.
        const ofCustoms = and(f.store === undefined ? undefined : eq(orders.store, f.store), gte(orders.shippedAt, from), lt(orders.shippedAt, to),
          sql`${orders.stageRank} = 2`, ranges?.(orders));
        return within(ofCustoms, STAGE_SCAN_ROWS, (c) => and(eq(c.state, state), lane(c)));
      }
      if (ranges !== null || hasLane) {
        const dense = await within(ofState, DENSE_SCAN_ROWS, (c) => and(ranges?.(c), lane(c)));
        if (dense.length === limit) return dense;
      }
      const ofStage = and(ofState, ranges?.(orders));
      const pick = ranges !== null && state === 'active' && (await isRare(f, stage, from, to)) ? newestInRange : newest;
      return hasLane ? within(ofStage, STAGE_SCAN_ROWS, lane, pick) : ((await pick(ofStage, limit)) as OrderRow[]);
    },

    async sentPerDay(fromMs, store) {
      const C = dashboardSendCounts;
      const rows = await db
        .select({ day: sql<string>`to_char((date '1970-01-01' + ${C.day})::timestamp, 'YYYY-MM-DD')`, milestone: C.milestone, count: sql<number>`sum(${C.n})` })
        .from(C)
        .where(and(eq(C.status, 'sent'), gte(C.day, Math.floor(fromMs / DAY_MS)), store === undefined ? undefined : eq(C.store, store)))
        .groupBy(C.day, C.milestone)
        .having(sql`sum(${C.n}) > 0`)
        .orderBy(C.day, byBytes(C.milestone));
      return rows as DayCount[];
    },
  };
}
