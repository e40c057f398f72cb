import type { Db } from './db.js';

/**
 * The dashboard's aggregates, read from the count tables that triggers keep
 * (migration 0011): a page view reads a few hundred rows, never the orders.
 */

export const DASHBOARD_STAGES = ['registered', 'in_transit', 'customs', 'post_office', 'delivered', 'returned', 'cancelled', 'exception'] as const;
export type DashboardStage = (typeof DASHBOARD_STAGES)[number] | 'no_feed';

/** Which orders a view counts: UTC ship days (or send days) from..to inclusive, and optional store, carrier, country. */
export interface DashboardFilter {
  fromDay: number;
  toDay: number;
  store?: string;
  carrier?: string;
  country?: string;
}

function where(f: DashboardFilter, dayColumn: string, lane = true): { sql: string; params: unknown[] } {
  const parts = [`${dayColumn} BETWEEN ? AND ?`];
  const params: unknown[] = [f.fromDay, f.toDay];
  const add = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    parts.push(`${column} = ?`);
    params.push(value);
  };
  add('store', f.store);
  if (lane) {
    add('carrier', f.carrier);
    add('country', f.country);
  }
  return { sql: parts.join(' AND '), params };
}

/**
 * Orders per stage shipped in the period. `registered` parcels shipped before
 * `noFeedBeforeDay` count as `no_feed`: days out and not one scan.
 */
export function stageCounts(db: Db, f: DashboardFilter, noFeedBeforeDay: number): Map<DashboardStage, number> {
  const w = where(f, 'ship_day');
  const rows = db.$client
    .prepare(
      `SELECT CASE WHEN stage = 'registered' AND ship_day < ? THEN 'no_feed' ELSE stage END AS stage, sum(n) AS n
       FROM dashboard_stage_counts WHERE ${w.sql} GROUP BY 1`,
    )
    .all(noFeedBeforeDay, ...w.params) as Array<{ stage: DashboardStage; n: number }>;
  return new Map(rows.map((r) => [r.stage, r.n]));
}

export interface LaneStageRow {
  carrier: string;
  country: string;
  stage: string;
  n: number;
}

/** Orders per lane and stage shipped in the period (parcels in flight are the active stages). */
export function laneStageCounts(db: Db, f: DashboardFilter): LaneStageRow[] {
  const w = where(f, 'ship_day');
  return db.$client
    .prepare(`SELECT carrier, country, stage, sum(n) AS n FROM dashboard_stage_counts WHERE ${w.sql} GROUP BY 1, 2, 3 HAVING sum(n) > 0`)
    .all(...w.params) as LaneStageRow[];
}

export interface LaneTransitRow {
  carrier: string;
  country: string;
  /** Business days (Mon-Fri, UTC days) from shipping to delivery. */
  days: number;
  n: number;
}

/** Delivered orders per lane and transit days (all time: a lane's history is what it is learned from). */
export function laneTransit(db: Db, f: Pick<DashboardFilter, 'store' | 'carrier' | 'country'>): LaneTransitRow[] {
  const parts = ['n > 0'];
  const params: unknown[] = [];
  for (const [column, value] of [['store', f.store], ['carrier', f.carrier], ['country', f.country]] as const) {
    if (value === undefined) continue;
    parts.push(`${column} = ?`);
    params.push(value);
  }
  return db.$client
    .prepare(`SELECT carrier, country, days, sum(n) AS n FROM dashboard_lane_transit WHERE ${parts.join(' AND ')} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
    .all(...params) as LaneTransitRow[];
}

export interface LetterCountRow {
  day: number;
  milestone: string;
  status: 'sent' | 'skipped' | 'failed';
  reason: string;
  n: number;
}

/** Letters that ended sent, skipped or failed per UTC day (of sending, else of the last change), milestone and reason. */
export function letterCounts(db: Db, f: Pick<DashboardFilter, 'fromDay' | 'toDay' | 'store'>): LetterCountRow[] {
  const w = where(f, 'day', false);
  return db.$client
    .prepare(`SELECT day, milestone, status, reason, sum(n) AS n FROM dashboard_send_counts WHERE ${w.sql} GROUP BY 1, 2, 3, 4 HAVING sum(n) > 0 ORDER BY 1, 2, 3, 4`)
    .all(...w.params) as LetterCountRow[];
}

/** Stores, carriers and countries seen, for the filter menus (from the count table: small). */
export function filterChoices(db: Db): { stores: string[]; carriers: string[]; countries: string[] } {
  const list = (column: string) =>
    (db.$client.prepare(`SELECT DISTINCT ${column} AS v FROM dashboard_stage_counts WHERE n > 0 ORDER BY 1`).all() as Array<{ v: string }>).map((r) => r.v);
  return { stores: list('store'), carriers: list('carrier'), countries: list('country') };
}

/** Addresses that bounced or complained since `fromMs`, by reason (the suppressions' created_at index). */
export function suppressionsSince(db: Db, fromMs: number): Array<{ reason: string; n: number }> {
  return db.$client
    .prepare(`SELECT reason, count(*) AS n FROM suppressions WHERE created_at >= ? AND scope = 'all' GROUP BY 1 ORDER BY 2 DESC`)
    .all(fromMs) as Array<{ reason: string; n: number }>;
}

/**
 * An order's dashboard stage, as the count triggers name it (migrations 0011,
 * 0018): an active order whose latest news is a carrier exception is `exception`.
 */
export const STAGE_SQL = `CASE WHEN state = 'delivered' THEN 'delivered' WHEN state = 'returned' THEN 'returned' WHEN state = 'cancelled' THEN 'cancelled'
  WHEN exception_at >= coalesce(last_event_at, 0) THEN 'exception' WHEN last_event_at IS NULL THEN 'registered' WHEN stage_rank >= 3 THEN 'post_office' WHEN stage_rank = 2 THEN 'customs' ELSE 'in_transit' END`;
const weekdays = (d: string) => `(5 * ((${d}) / 7) + CASE (${d}) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END)`;
const TRANSIT_SQL = `max(0, ${weekdays('last_event_at / 86400000 + 1')} - ${weekdays('shipped_at / 86400000 + 1')})`;

/**
 * Rows where a count table and a recount of the ledger disagree (none when
 * the triggers kept them right). A full scan: for tests and `doctor`-style
 * checks, never for a page view.
 */
export function dashboardDrift(db: Db): Array<{ table: string; row: string }> {
  const pairs: Array<[string, string, string]> = [
    ['dashboard_stage_counts', 'SELECT ship_day, store, carrier, country, stage, n FROM dashboard_stage_counts WHERE n <> 0',
      `SELECT shipped_at / 86400000, store, carrier, country, ${STAGE_SQL}, count(*) FROM orders GROUP BY 1, 2, 3, 4, 5`],
    ['dashboard_lane_transit', 'SELECT store, carrier, country, days, n FROM dashboard_lane_transit WHERE n <> 0',
      `SELECT store, carrier, country, ${TRANSIT_SQL}, count(*) FROM orders WHERE state = 'delivered' AND last_event_at IS NOT NULL GROUP BY 1, 2, 3, 4`],
    ['dashboard_send_counts', 'SELECT day, store, milestone, status, reason, n FROM dashboard_send_counts WHERE n <> 0',
      `SELECT coalesce(s.sent_at, s.updated_at) / 86400000, coalesce(o.store, ''), s.milestone, s.status, CASE WHEN s.status = 'skipped' THEN coalesce(s.reason, '') ELSE '' END, count(*)
       FROM sends s LEFT JOIN orders o ON o.order_id = s.order_id WHERE s.status IN ('sent', 'skipped', 'failed') GROUP BY 1, 2, 3, 4, 5`],
  ];
  return pairs.flatMap(([table, stored, counted]) =>
    (db.$client.prepare(`SELECT * FROM (${stored} EXCEPT ${counted}) UNION ALL SELECT * FROM (${counted} EXCEPT ${stored})`).raw().all() as unknown[][]).map((r) => ({ table, row: r.join('|') })),
  );
}
