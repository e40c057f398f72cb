import { and, asc, eq, gt, gte, inArray, lt, or, sql, type Column, type SQL } from 'drizzle-orm';
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

/** The columns a filter's conditions name, of either engine's tables (schema.ts, schema-pg.ts). */
export interface FilterColumns {
  status: Column;
  milestone: Column;
  dueAt: Column;
  carrier: Column;
  country: Column;
  store: Column;
}

/** The filter's conditions, built once per engine on its own tables. */
export function filterConditions(c: FilterColumns) {
  const dueWindow = (f: SendFilter) => and(f.since !== null ? gte(c.dueAt, f.since) : undefined, f.until !== null ? lt(c.dueAt, f.until) : undefined);
  return {
    /** The filter's conditions on the send itself. */
    ofSend: (f: SendFilter): SQL | undefined =>
      and(
        f.statuses.length ? inArray(c.status, f.statuses) : undefined,
        f.milestones.length ? inArray(c.milestone, f.milestones) : undefined,
        dueWindow(f),
      ),
    /** The filter's conditions on the send's order (its lane and store). */
    ofOrder: (f: SendFilter): SQL | undefined =>
      and(
        f.carriers.length ? inArray(c.carrier, f.carriers) : undefined,
        f.countries.length ? inArray(c.country, f.countries) : undefined,
        f.stores.length ? inArray(c.store, f.stores) : undefined,
      ),
    /** The conditions on one range's sends (rangesOf: its milestone and status), the due window and the cursor. */
    inRange: (f: SendFilter, r: Range, keyset: SQL | undefined): SQL | undefined =>
      and(r.milestone !== undefined ? eq(c.milestone, r.milestone) : undefined, r.status !== undefined ? eq(c.status, r.status) : undefined, dueWindow(f), keyset),
  };
}

export const needsOrders = (f: SendFilter) => f.carriers.length + f.countries.length + f.stores.length > 0;

const { ofSend, ofOrder, inRange } = filterConditions({
  status: sends.status, milestone: sends.milestone, dueAt: sends.dueAt, carrier: orders.carrier, country: orders.country, store: orders.store,
});

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

/** The index that finds a lane's orders: by country, else carrier, else store (each leads one). */
function laneIndex(f: SendFilter): SQL {
  return sql.raw(f.countries.length > 0 ? 'orders_country_idx' : f.carriers.length > 0 ? 'orders_carrier_idx' : 'orders_store_state_shipped_idx');
}

/**
 * The sends matching `own` led by the lane's orders: CROSS JOIN keeps SQLite
 * from turning it round, and both indexes are pinned: the lane's (for a
 * country and a store SQLite took the store's, and looked up all 50,000 of
 * its orders for a lane of none: 150 ms at 1,000,000), and each order's sends
 * by its id (for a milestone and a status it would walk their whole range once
 * per order).
 */
function fromLaneOrders(f: SendFilter, select: SQL, own: SQL | undefined = ofSend(f)): SQL {
  return sql`SELECT ${select} FROM ${orders} INDEXED BY ${laneIndex(f)} CROSS JOIN ${sends} INDEXED BY sends_order_idx ON ${sends.orderId} = ${orders.orderId} WHERE ${and(ofOrder(f), own)}`;
}

/**
 * How many sends match, up to COUNT_CAP (then "at least"). Without a filter on
 * the order (carrier, country, store) it counts on the sends table alone,
 * through whichever index the send filter names; a small lane is counted from
 * its orders; a large one walks the shorter side: the few sends a rare status
 * or milestone matches, each one's order looked up; or else the lane's
 * orders, which meet the cap soon.
 */
export function countSends(db: Db, f: SendFilter, cap = COUNT_CAP): { n: number; capped: boolean } {
  let n: number;
  const own = ofSend(f);
  const ownSends = sql`SELECT 1 FROM ${sends} WHERE ${own ?? sql`true`}`;
  if (!needsOrders(f)) n = cappedCount(db, ownSends, cap);
  else if (smallLane(db, f)) n = cappedCount(db, fromLaneOrders(f, sql`1`), cap);
  // A large lane: the send filter's own sends when they are few, else the lane's orders.
  else if (own !== undefined && cappedCount(db, ownSends, SHORT_RANGE) <= SHORT_RANGE) {
    n = cappedCount(db, sql`SELECT 1 FROM ${sends} WHERE ${and(own, orderMatches(db, f))}`, cap);
  } else n = cappedCount(db, fromLaneOrders(f, sql`1`), cap);
  return n > cap ? { n: cap, capped: true } : { n, capped: false };
}

/** Past this many rows an index range is a long walk: of a send filter and a large lane, the shorter side leads. */
const SHORT_RANGE = 20_000;

/** One index range that yields sends in due order (then id): a milestone x status, a status, or every send. */
export interface Range {
  index: 'sends_milestone_status_due_idx' | 'sends_status_due_idx' | 'sends_due_idx';
  milestone?: string;
  status?: string;
}

/**
 * The ranges whose merge is the filter's sends in due order: one per
 * milestone x status (every status when none is named: `--milestone day14`
 * is seven short walks), one per status without a milestone, else the due
 * index. Each is walked in order and stops after a page, so a status and a
 * milestone that never meet cost nothing, and left to itself SQLite would
 * read every send and sort them for a milestone (1.6 s at 1,000,000 orders).
 */
export function rangesOf(f: SendFilter): Range[] {
  const statuses = f.statuses.length > 0 ? f.statuses : [...SEND_STATUSES];
  if (f.milestones.length > 0) {
    return f.milestones.flatMap((milestone) => statuses.map((status) => ({ index: 'sends_milestone_status_due_idx' as const, milestone, status })));
  }
  if (f.statuses.length > 0) return f.statuses.map((status) => ({ index: 'sends_status_due_idx' as const, status }));
  return [{ index: 'sends_due_idx' }];
}

/**
 * How far a large lane's page walks one range (a long walk, as SHORT_RANGE
 * says) before it asks the lane's orders instead: a range the lane meets
 * rarely or never (`--country IL --milestone shipped` where no IL parcel's
 * shipped notice was sent) would otherwise be read to its end (0.5 s at
 * 300,000 orders).
 */
export const WALK_BUDGET = SHORT_RANGE;

type Due = { id: number; due: number };

/** The first `n` of one range's matching sends, in due order (then id). */
function firstOfRange(db: Db, f: SendFilter, r: Range, keyset: SQL | undefined, n: number): Due[] {
  const own = inRange(f, r, keyset) ?? sql`true`;
  const walk = (limit: number) =>
    sql`SELECT ${sends.id} AS id, ${sends.dueAt} AS due, ${sends.orderId} AS orderId FROM ${sends} INDEXED BY ${sql.raw(r.index)} WHERE ${own} ORDER BY ${sends.dueAt}, ${sends.id} LIMIT ${limit}`;
  if (!needsOrders(f)) return db.all<Due>(walk(n));
  const lane = ofOrder(f)!;
  const met = db.all<Due>(
    sql`SELECT id, due FROM (${walk(WALK_BUDGET)}) AS w WHERE (SELECT 1 FROM ${orders} WHERE ${orders.orderId} = w.orderId AND ${lane}) = 1 ORDER BY due, id LIMIT ${n}`,
  );
  // The page is full, or the range ended within the budget: what the walk met is the answer.
  if (met.length >= n || (db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (${walk(WALK_BUDGET)})`)?.n ?? 0) < WALK_BUDGET) return met;
  // The lane meets this range rarely or never: read it from the lane's orders.
  return db.all<Due>(sql`${fromLaneOrders(f, sql`${sends.id} AS id, ${sends.dueAt} AS due`, own)} ORDER BY ${sends.dueAt}, ${sends.id} LIMIT ${n}`);
}

/**
 * The ids of one page (due time, then id) of the matching sends after
 * `keyset`: a small lane's read from its orders; else the first offset +
 * limit of each range (rangesOf), merged. A large lane's walk of a range
 * stops at WALK_BUDGET sends and reads that range from the lane's orders.
 */
function pageIds(db: Db, f: SendFilter, keyset: SQL | undefined, limit: number, offset: number): number[] {
  if (needsOrders(f) && smallLane(db, f)) {
    const page = sql`ORDER BY ${sends.dueAt}, ${sends.id} LIMIT ${limit} OFFSET ${offset}`;
    return db.values<[number]>(sql`${fromLaneOrders(f, sql`${sends.id}`, and(ofSend(f), keyset))} ${page}`).map(([id]) => id);
  }
  return rangesOf(f)
    .flatMap((r) => firstOfRange(db, f, r, keyset, offset + limit))
    .sort((a, b) => a.due - b.due || a.id - b.id)
    .slice(offset, offset + limit)
    .map((r) => r.id);
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
  // The bound on due_at alone makes it a range of each index walked, not a filter from its start.
  const keyset = after ? and(gte(sends.dueAt, after.dueAt), or(gt(sends.dueAt, after.dueAt), gt(sends.id, after.id))) : undefined;
  // Picked first, then joined, as listSends does.
  return pageRows(db, pageIds(db, f, keyset, limit, 0));
}
