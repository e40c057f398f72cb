import { and, asc, count, eq, gt, gte, min, or, sql, type SQL } from 'drizzle-orm';
import type { Ledger, QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../send-list.js';
import { COUNT_CAP, filterConditions, needsOrders, rangesOf, SMALL_LANE, type Range, type SendFilter, type SendListRow } from '../send-list.js';
import { anyOf } from './ledger-queries.js';
import { orders, sends } from '../schema-pg.js';
import type { PgQ } from './queries.js';

const { ofSend, ofOrder, inRange } = filterConditions({
  status: sends.status, milestone: sends.milestone, dueAt: sends.dueAt, carrier: orders.carrier, country: orders.country, store: orders.store,
});
const where = (f: SendFilter) => and(ofSend(f), ofOrder(f));

/**
 * The order ids of a lane or store filter that matches at most SMALL_LANE
 * orders (src/store/send-list.ts), else null. A small lane's sends are read by
 * these ids (sends_order_idx) and sorted: left to itself, PostgreSQL walks
 * sends in due order hoping to meet the lane soon, and for a lane of few or
 * no orders (`--store store-7 --country IL`) it read every send: 21 s at
 * 1,000,000 orders.
 */
async function smallLane(db: PgQ, f: SendFilter): Promise<string[] | null> {
  if (!needsOrders(f)) return null;
  const rows = await db.select({ id: orders.orderId }).from(orders).where(ofOrder(f)).limit(SMALL_LANE + 1);
  return rows.length > SMALL_LANE ? null : rows.map((r) => r.id);
}

/** The sends of a small lane's orders that match the send filter. */
const ofLane = (f: SendFilter, orderIds: string[]) => and(anyOf(sends.orderId, orderIds, 'text'), ofSend(f));

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

function base(db: PgQ) {
  return db.select(columns).from(sends).innerJoin(orders, eq(orders.orderId, sends.orderId));
}

/** Up to `cap` (then "at least"); on the sends table alone unless the filter names something of the order. */
async function countSends(db: PgQ, f: SendFilter, cap = COUNT_CAP): Promise<{ n: number; capped: boolean }> {
  const lane = await smallLane(db, f);
  if (lane?.length === 0) return { n: 0, capped: false };
  const matching = lane
    ? db.select({ one: sends.id }).from(sends).where(ofLane(f, lane)).limit(cap + 1)
    : needsOrders(f)
    ? db.select({ one: sends.id }).from(sends).innerJoin(orders, eq(orders.orderId, sends.orderId)).where(where(f)).limit(cap + 1)
    : db.select({ one: sends.id }).from(sends).where(where(f)).limit(cap + 1);
  const [row] = await db.select({ n: count() }).from(matching.as('matching'));
  const n = row?.n ?? 0;
  return n > cap ? { n: cap, capped: true } : { n, capped: false };
}

/**
 * The earliest due time of any send the filter's own conditions match (null:
 * none), one index probe per range (rangesOf). A large lane's page starts its
 * walk there: from the first send of all, PostgreSQL walked past every earlier
 * letter of other milestones for `--country IL --milestone day14` (1.07 s at
 * 1,000,000 orders; 9 ms from the bound).
 */
async function firstDue(db: PgQ, f: SendFilter): Promise<number | null> {
  const probes = rangesOf(f).map((r) => sql`(${db.select({ first: min(sends.dueAt) }).from(sends).where(inRange(f, r, undefined))})`);
  const [row] = await db.execute<{ first: string | null }>(sql`SELECT LEAST(${sql.join(probes, sql`, `)}) AS first`).then((r) => r.rows);
  return row?.first === null || row?.first === undefined ? null : Number(row.first);
}

/**
 * One page (due time, then id) of the matching sends after `keyset`: a small
 * lane's from its orders; a large lane's with its walk starting at firstDue,
 * the rest of the plan the planner's; without a lane or a milestone, the
 * planner's (sends_status_milestone_stats tells it which statuses and
 * milestones meet); milestones without a lane merged from one walk in due
 * order per milestone x status (rangesOf in src/store/send-list.ts), each
 * stopping after the page. Left to itself, PostgreSQL walked sends in due
 * order for `--milestone day14` past every earlier letter of other milestones.
 */
async function page(db: PgQ, f: SendFilter, keyset: SQL | undefined, limit: number, offset: number): Promise<SendListRow[]> {
  const lane = await smallLane(db, f);
  if (lane?.length === 0) return [];
  const sorted = (where: SQL | undefined) => base(db).where(where).orderBy(asc(sends.dueAt), asc(sends.id)).limit(limit).offset(offset);
  if (lane) return sorted(and(ofLane(f, lane), keyset));
  if (needsOrders(f)) {
    const from = await firstDue(db, f);
    return from === null ? [] : sorted(and(where(f), gte(sends.dueAt, from), keyset));
  }
  if (f.milestones.length === 0) return sorted(and(where(f), keyset));
  // Each range's first offset + limit, then the page of their merge.
  const walk = (r: Range) => db.select({ id: sends.id, due: sends.dueAt }).from(sends).where(inRange(f, r, keyset)).orderBy(asc(sends.dueAt), asc(sends.id)).limit(offset + limit);
  const ids = (await Promise.all(rangesOf(f).map(walk)))
    .flat()
    .sort((a, b) => a.due - b.due || a.id - b.id)
    .slice(offset, offset + limit)
    .map((r) => r.id);
  return ids.length === 0 ? [] : base(db).where(anyOf(sends.id, ids, 'bigint')).orderBy(asc(sends.dueAt), asc(sends.id));
}

/** One page by due time, then id. */
function listSends(db: PgQ, f: SendFilter, limit: number, offset: number): Promise<SendListRow[]> {
  return page(db, f, undefined, limit, offset);
}

/** One page after a keyset cursor (due time, then id). */
function listSendsAfter(db: PgQ, f: SendFilter, limit: number, after: { dueAt: number; id: number } | null): Promise<SendListRow[]> {
  const keyset = after ? and(gte(sends.dueAt, after.dueAt), or(gt(sends.dueAt, after.dueAt), gt(sends.id, after.id))) : undefined;
  return page(db, f, keyset, limit, 0);
}

/**
 * Every matching send in id order, a chunk per query, each starting after the
 * last id of the one before: no cursor or transaction held open between
 * chunks, and no chunk rescans what came before.
 */
export function pgIterateSends(db: PgQ, f: SendFilter, chunk = 5000): ReturnType<Ledger['iterateSends']> {
  return {
    async *[Symbol.asyncIterator]() {
      let after = 0;
      for (;;) {
        const rows: SendListRow[] = await base(db).where(and(where(f), gt(sends.id, after))).orderBy(asc(sends.id)).limit(chunk);
        yield* rows;
        if (rows.length < chunk) return;
        after = rows[rows.length - 1].sendId;
      }
    },
  };
}

/** PostgreSQL twins of `src/store/send-list.ts`. */
export function pgSendListQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    countSends: (f, cap) => countSends(db, f, cap),
    listSends: (f, limit, offset) => listSends(db, f, limit, offset),
    listSendsAfter: (f, limit, after) => listSendsAfter(db, f, limit, after),
  };
}
