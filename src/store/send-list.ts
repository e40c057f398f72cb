import { and, asc, eq, gt, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { carrierCodes, findCarrier } from '../domain/carriers.js';
import { isIsoCountry, suggestCountry } from '../domain/countries.js';
import { InputError } from '../domain/errors.js';
import { MILESTONES } from '../domain/milestones.js';
import type { Db } from './db.js';
import { orders, SEND_STATUSES, sends } from './schema.js';

/** Filter flags shared by `list`, `export` and GET /api/v1/sends, as typed. */
export interface FilterFlags {
  status?: string;
  milestone?: string;
  carrier?: string;
  country?: string;
  store?: string;
  since?: string;
  until?: string;
}

export interface SendFilter {
  statuses: string[];
  milestones: string[];
  carriers: string[];
  countries: string[];
  stores: string[];
  since: number | null;
  until: number | null;
}

function list(value: string | undefined): string[] {
  return value ? value.split(',').map((v) => v.trim()).filter(Boolean) : [];
}

function oneOf(problems: string[], flag: string, values: string[], allowed: readonly string[]): string[] {
  for (const v of values) {
    if (!allowed.includes(v)) problems.push(`${flag} ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
  }
  return values;
}

function date(problems: string[], flag: string, value: string | undefined, endOfDay: boolean): number | null {
  if (!value) return null;
  const parsed = DateTime.fromISO(value, { zone: 'utc' });
  if (!parsed.isValid) {
    problems.push(`${flag} ${JSON.stringify(value)} is not an ISO-8601 date or date-time (e.g. "2026-11-20" or "2026-11-20T08:00:00Z")`);
    return null;
  }
  // A bare date in --until means "through the end of that day".
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  return (endOfDay && dateOnly ? parsed.plus({ days: 1 }) : parsed).toMillis();
}

/**
 * Validates every filter flag at once; throws one InputError listing each
 * problem, naming each as `--status` (CLI) or, with `prefix` '', `status` (API).
 */
export function parseFilter(flags: FilterFlags, prefix = '--'): SendFilter {
  const problems: string[] = [];
  const carriers = list(flags.carrier).map((c) => {
    const found = findCarrier(c);
    if (!found) problems.push(`${prefix}carrier ${JSON.stringify(c)} is not a known carrier (known: ${carrierCodes().join(', ')})`);
    return found?.code ?? c;
  });
  const countries = list(flags.country).map((c) => {
    const code = c.toUpperCase();
    if (!isIsoCountry(code)) {
      const s = suggestCountry(c);
      problems.push(`${prefix}country ${JSON.stringify(c)} is not an ISO 3166-1 alpha-2 code${s ? ` (did you mean "${s}"?)` : ' (e.g. "US", "GB", "BR")'}`);
    }
    return code;
  });
  const filter: SendFilter = {
    statuses: oneOf(problems, `${prefix}status`, list(flags.status), SEND_STATUSES),
    milestones: oneOf(problems, `${prefix}milestone`, list(flags.milestone), MILESTONES),
    carriers,
    countries,
    stores: list(flags.store),
    since: date(problems, `${prefix}since`, flags.since, false),
    until: date(problems, `${prefix}until`, flags.until, true),
  };
  if (filter.since !== null && filter.until !== null && filter.since >= filter.until) {
    problems.push(`${prefix}since ${flags.since} is not before ${prefix}until ${flags.until}`);
  }
  if (problems.length > 0) throw new InputError('filter_invalid', problems);
  return filter;
}

function where(f: SendFilter): SQL | undefined {
  return and(ofSend(f), ofOrder(f));
}

/** The filter's conditions on the send itself. */
function ofSend(f: SendFilter): SQL | undefined {
  return and(
    f.statuses.length ? inArray(sends.status, f.statuses as (typeof SEND_STATUSES)[number][]) : undefined,
    f.milestones.length ? inArray(sends.milestone, f.milestones) : undefined,
    f.since !== null ? gte(sends.dueAt, f.since) : undefined,
    f.until !== null ? lt(sends.dueAt, f.until) : undefined,
  );
}

/** The filter's conditions on the send's order (its lane and store). */
function ofOrder(f: SendFilter): SQL | undefined {
  return and(
    f.carriers.length ? inArray(orders.carrier, f.carriers) : undefined,
    f.countries.length ? inArray(orders.country, f.countries) : undefined,
    f.stores.length ? inArray(orders.store, f.stores) : undefined,
  );
}

const needsOrders = (f: SendFilter) => f.carriers.length + f.countries.length + f.stores.length > 0;

/**
 * The send's order matches the lane and store filters: a correlated lookup by
 * primary key per send walked, as a scalar subquery. As a join (and SQLite
 * 3.53 makes a join of an EXISTS), SQLite first builds a Bloom filter over
 * every order (a full scan: 240-640 ms at 1,000,000 orders) to save the few
 * hundred lookups a page needs.
 */
function orderMatches(db: Db, f: SendFilter): SQL | undefined {
  return needsOrders(f) ? sql`(${db.select({ one: sql`1` }).from(orders).where(and(eq(orders.orderId, sends.orderId), ofOrder(f)))}) = 1` : undefined;
}

const columns = {
  sendId: sends.id,
  orderId: sends.orderId,
  store: orders.store,
  milestone: sends.milestone,
  resendOf: sends.resendOf,
  status: sends.status,
  dueAt: sends.dueAt,
  sentAt: sends.sentAt,
  country: orders.country,
  carrier: orders.carrier,
  trackingNumber: orders.trackingNumber,
  buyerEmail: orders.buyerEmail,
  buyerTimezone: orders.buyerTimezone,
  messageId: sends.messageId,
  reason: sends.reason,
  error: sends.error,
};


export type SendListRow = ReturnType<ReturnType<typeof base>['all']>[number];

function base(db: Db) {
  return db.select(columns).from(sends).innerJoin(orders, eq(orders.orderId, sends.orderId));
}

/** Counting stops here: on a million-row ledger an exact count would cost more than the page itself. */
export const COUNT_CAP = 1000;

/**
 * A lane or store filter matching at most this many orders is read from its
 * orders (through orders_country_idx, orders_carrier_idx or the store
 * indexes): about 30,000 sends at most, looked up and sorted in tens of ms.
 * Past it, walking sends in due order meets a page soon: one send in 200 at
 * a million orders is the lane's, so a page of 20 costs a few thousand looks.
 * Walking instead for a lane of no orders (`--country JP` where nothing goes
 * to Japan) read all six million sends: 33 s.
 */
export const SMALL_LANE = 5000;

/** How many rows `matching` has, reading at most cap + 1 of them. */
function cappedCount(db: Db, matching: SQL, cap: number): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (${matching} LIMIT ${cap + 1})`)?.n ?? 0;
}

/** Whether the filter's orders are few enough to read them all (see SMALL_LANE). */
function smallLane(db: Db, f: SendFilter): boolean {
  return needsOrders(f) && cappedCount(db, sql`SELECT 1 FROM ${orders} WHERE ${ofOrder(f)}`, SMALL_LANE) <= SMALL_LANE;
}

/** The matching sends led by the lane's orders (CROSS JOIN keeps SQLite from turning it round): for a small lane. */
function fromLaneOrders(f: SendFilter, select: SQL): SQL {
  return sql`SELECT ${select} FROM ${orders} CROSS JOIN ${sends} ON ${sends.orderId} = ${orders.orderId} WHERE ${where(f)}`;
}

/**
 * How many sends match, up to COUNT_CAP (then "at least"). Without a filter on
 * the order (carrier, country, store) it counts on the sends table alone; a
 * small lane is counted from its orders; a large one walks the shorter
 * side: the few sends a rare status or milestone matches, each one's order
 * looked up; or else the lane's orders, which meet the cap soon.
 */
export function countSends(db: Db, f: SendFilter, cap = COUNT_CAP): { n: number; capped: boolean } {
  let n: number;
  if (needsOrders(f) && smallLane(db, f)) {
    n = cappedCount(db, fromLaneOrders(f, sql`1`), cap);
  } else {
    const walk = walkInDueOrder(db, f);
    const own = ofSend(f);
    if (!needsOrders(f)) n = cappedCount(db, sql`SELECT 1 FROM ${walk} WHERE ${own ?? sql`true`}`, cap);
    // A large lane: the send filter's own sends when they are few, else the lane's orders.
    else if (own !== undefined && cappedCount(db, sql`SELECT 1 FROM ${walk} WHERE ${own}`, SHORT_RANGE) <= SHORT_RANGE) {
      n = cappedCount(db, sql`SELECT 1 FROM ${walk} WHERE ${and(own, orderMatches(db, f))}`, cap);
    } else n = cappedCount(db, fromLaneOrders(f, sql`1`), cap);
  }
  return n > cap ? { n: cap, capped: true } : { n, capped: false };
}

/** Past this many rows an index range is a long walk: the shorter side leads (a status or a milestone; a send filter or a lane). */
const SHORT_RANGE = 20_000;

/**
 * Sends walked in due order (then id): through the (status, due) index for
 * one status, the (milestone, due) one for one milestone (for both, whichever
 * range is shorter: `--status sent --milestone day14` need not read every
 * letter sent), the due index for neither. Left to itself SQLite may read
 * every send and sort them for a milestone or lane filter (1.6 s at a
 * million orders).
 */
function walkInDueOrder(db: Db, f: SendFilter): SQL {
  const byStatus = sql`${sends} INDEXED BY sends_status_due_idx`;
  const byMilestone = sql`${sends} INDEXED BY sends_milestone_due_idx`;
  if (f.statuses.length === 1 && f.milestones.length === 1) {
    const range = (column: SQL, value: string) => cappedCount(db, sql`SELECT 1 FROM ${sends} WHERE ${column} = ${value}`, SHORT_RANGE);
    return range(sql`${sends.milestone}`, f.milestones[0]) < range(sql`${sends.status}`, f.statuses[0]) ? byMilestone : byStatus;
  }
  if (f.statuses.length === 1) return byStatus;
  if (f.milestones.length === 1) return byMilestone;
  if (f.statuses.length === 0 && f.milestones.length === 0) return sql`${sends} INDEXED BY sends_due_idx`;
  return sql`${sends}`;
}

/** The ids of one page (due time, then id) of the matching sends after `keyset`, led by whichever side is small. */
function pageIds(db: Db, f: SendFilter, keyset: SQL | undefined, limit: number, offset: number): number[] {
  const order = sql`ORDER BY ${sends.dueAt}, ${sends.id} LIMIT ${limit} OFFSET ${offset}`;
  const query = smallLane(db, f)
    ? sql`${fromLaneOrders(f, sql`${sends.id}`)}${keyset ? sql` AND ${keyset}` : sql``} ${order}`
    : sql`SELECT ${sends.id} FROM ${walkInDueOrder(db, f)} WHERE ${and(ofSend(f), orderMatches(db, f), keyset) ?? sql`true`} ${order}`;
  return db.values<[number]>(query).map(([id]) => id);
}

/**
 * One page, ordered by due time (then id, so pages are stable). The page's
 * sends are picked first, then joined to their orders: walking sends in due
 * order through an index and looking up each one's order only for a lane or
 * store filter, stopping after the page; or, for a small lane, from the
 * lane's orders. Led by the orders of a large lane, SQLite would read every
 * one and sort all their sends (170 ms at 50,000 orders).
 */
export function listSends(db: Db, f: SendFilter, limit: number, offset: number): SendListRow[] {
  return pageRows(db, pageIds(db, f, undefined, limit, offset));
}

/** A page's sends joined to their orders, in page order. */
function pageRows(db: Db, ids: number[]): SendListRow[] {
  return ids.length === 0 ? [] : base(db).where(inArray(sends.id, ids)).orderBy(asc(sends.dueAt), asc(sends.id)).all();
}

/**
 * Every matching row, in send id order (the order they were recorded), read
 * in chunks by keyset on the primary key: a million-row export never sits in
 * memory, and no chunk re-sorts or rescans what came before.
 */
export function* iterateSends(db: Db, f: SendFilter, chunk = 5000): Generator<SendListRow> {
  let after = 0;
  for (;;) {
    const rows: SendListRow[] = base(db).where(and(where(f), gt(sends.id, after))).orderBy(asc(sends.id)).limit(chunk).all();
    yield* rows;
    if (rows.length < chunk) return;
    after = rows[rows.length - 1].sendId;
  }
}

/**
 * One page after a keyset cursor (due time, then id): pages stay stable while
 * sends are added, and a deep page costs what the first does.
 */
export function listSendsAfter(db: Db, f: SendFilter, limit: number, after: { dueAt: number; id: number } | null): SendListRow[] {
  const keyset = after ? or(gt(sends.dueAt, after.dueAt), and(eq(sends.dueAt, after.dueAt), gt(sends.id, after.id))) : undefined;
  // Picked first, then joined, as listSends does.
  return pageRows(db, pageIds(db, f, keyset, limit, 0));
}
