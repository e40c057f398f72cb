import { and, between, count, desc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../dashboard.js';
import type { DashboardFilter, DashboardStage } from '../dashboard.js';
import { STAGE_SQL } from '../dashboard.js';
import { dashboardLaneTransit as transit, dashboardSendCounts as letters, dashboardStageCounts as stages, suppressions } from '../schema-pg.js';
import type { PgQ } from './queries.js';

/** SQLite compares text byte by byte (BINARY); so does PostgreSQL's "C" collation, whatever the database's default. */
export const byBytes = (column: PgColumn) => sql`${column} COLLATE "C"`;

/** As SQLite's `where`: the day range (if the table has one), the store, and the carrier and country where the table keeps a lane. */
function filtered(f: Partial<DashboardFilter>, c: { day?: PgColumn; store: PgColumn; carrier?: PgColumn; country?: PgColumn }): SQL | undefined {
  return and(
    c.day && between(c.day, f.fromDay, f.toDay),
    f.store === undefined ? undefined : eq(c.store, f.store),
    f.carrier === undefined || !c.carrier ? undefined : eq(c.carrier, f.carrier),
    f.country === undefined || !c.country ? undefined : eq(c.country, f.country),
  );
}

const stageLane = { day: stages.shipDay, store: stages.store, carrier: stages.carrier, country: stages.country };

/** PostgreSQL twins of `src/store/dashboard.ts`. */
export function pgDashboardQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    async stageCounts(f, noFeedBeforeDay) {
      const stage = sql<DashboardStage>`CASE WHEN ${stages.stage} = 'registered' AND ${stages.shipDay} < ${noFeedBeforeDay} THEN 'no_feed' ELSE ${stages.stage} END`;
      const rows = await db
        .select({ stage, n: sql<number>`sum(${stages.n})` })
        .from(stages)
        .where(filtered(f, stageLane))
        .groupBy(sql`1`)
        .orderBy(sql`1`);
      return new Map(rows.map((r) => [r.stage, r.n]));
    },

    async laneStageCounts(f) {
      return db
        .select({ carrier: stages.carrier, country: stages.country, stage: stages.stage, n: sql<number>`sum(${stages.n})` })
        .from(stages)
        .where(filtered(f, stageLane))
        .groupBy(stages.carrier, stages.country, stages.stage)
        .having(gt(sql`sum(${stages.n})`, 0))
        // SQLite groups through a sorted temporary b-tree: its rows come in this order.
        .orderBy(byBytes(stages.carrier), byBytes(stages.country), byBytes(stages.stage));
    },

    async laneTransit(f) {
      return db
        .select({ carrier: transit.carrier, country: transit.country, days: transit.days, n: sql<number>`sum(${transit.n})` })
        .from(transit)
        .where(and(gt(transit.n, 0), filtered(f, { store: transit.store, carrier: transit.carrier, country: transit.country })))
        .groupBy(transit.carrier, transit.country, transit.days)
        .orderBy(byBytes(transit.carrier), byBytes(transit.country), transit.days);
    },

    async letterCounts(f) {
      const rows = await db
        .select({ day: letters.day, milestone: letters.milestone, status: letters.status, reason: letters.reason, n: sql<number>`sum(${letters.n})` })
        .from(letters)
        .where(filtered(f, { day: letters.day, store: letters.store }))
        .groupBy(letters.day, letters.milestone, letters.status, letters.reason)
        .having(gt(sql`sum(${letters.n})`, 0))
        .orderBy(letters.day, byBytes(letters.milestone), byBytes(letters.status), byBytes(letters.reason));
      return rows as sqlite.LetterCountRow[];
    },

    async filterChoices() {
      const list = async (column: typeof stages.store | typeof stages.carrier | typeof stages.country) =>
        (await db.select({ v: column }).from(stages).where(gt(stages.n, 0)).groupBy(column).orderBy(byBytes(column))).map((r) => r.v);
      return { stores: await list(stages.store), carriers: await list(stages.carrier), countries: await list(stages.country) };
    },

    async suppressionsSince(fromMs) {
      const n = count();
      return db
        .select({ reason: suppressions.reason, n })
        .from(suppressions)
        .where(and(sql`${suppressions.createdAt} >= ${fromMs}`, eq(suppressions.scope, 'all')))
        .groupBy(suppressions.reason)
        // Ties: SQLite's sorter hands equal counts back in descending reason order.
        .orderBy(desc(n), desc(byBytes(suppressions.reason)));
    },
  };
}

const weekdays = (d: string) => `(5 * ((${d}) / 7) + CASE (${d}) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END)`;
/** SQLite's two-argument max() is PostgreSQL's GREATEST; bigint division truncates as SQLite's integer division does. */
const TRANSIT_SQL = `GREATEST(0, ${weekdays('last_event_at / 86400000 + 1')} - ${weekdays('shipped_at / 86400000 + 1')})`;

const DRIFT: Array<[string, string, string]> = [
  ['dashboard_stage_counts', 'SELECT ship_day, store, carrier, country, stage, n FROM dashboard_stage_counts WHERE n <> 0',
    `SELECT shipped_at / 86400000, store, carrier, country, ${STAGE_SQL}, count(*) FROM orders GROUP BY 1, 2, 3, 4, 5`],
  ['dashboard_lane_transit', 'SELECT store, carrier, country, days, n FROM dashboard_lane_transit WHERE n <> 0',
    `SELECT store, carrier, country, ${TRANSIT_SQL}, count(*) FROM orders WHERE state = 'delivered' AND last_event_at IS NOT NULL GROUP BY 1, 2, 3, 4`],
  ['dashboard_send_counts', 'SELECT day, store, milestone, status, reason, n FROM dashboard_send_counts WHERE n <> 0',
    `SELECT coalesce(s.sent_at, s.updated_at) / 86400000, coalesce(o.store, ''), s.milestone, s.status, CASE WHEN s.status = 'skipped' THEN coalesce(s.reason, '') ELSE '' END, count(*)
     FROM sends s LEFT JOIN orders o ON o.order_id = s.order_id WHERE s.status IN ('sent', 'skipped', 'failed') GROUP BY 1, 2, 3, 4, 5`],
];

/**
 * Rows where a count table and a recount of the ledger disagree, as SQLite's
 * `dashboardDrift` finds them (a full scan: for tests and checks, never a page view).
 */
export async function pgDashboardDrift(db: PgQ): Promise<ReturnType<typeof sqlite.dashboardDrift>> {
  const out: Array<{ table: string; row: string }> = [];
  for (const [table, stored, counted] of DRIFT) {
    const { rows } = await db.execute(sql.raw(`SELECT * FROM (${stored} EXCEPT ${counted}) extra UNION ALL SELECT * FROM (${counted} EXCEPT ${stored}) missing`));
    for (const r of rows) out.push({ table, row: Object.values(r).join('|') });
  }
  return out;
}
