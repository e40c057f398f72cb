import { and, asc, count, eq, gt, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Ledger, QueriesOf } from '../ledger-api.js';
import type { SendStatus } from '../schema.js';
import type * as sqlite from '../send-list.js';
import { COUNT_CAP, type SendFilter, type SendListRow } from '../send-list.js';
import { orders, sends } from '../schema-pg.js';
import type { PgQ } from './queries.js';

function where(f: SendFilter): SQL | undefined {
  const conditions = [
    f.statuses.length ? inArray(sends.status, f.statuses as SendStatus[]) : undefined,
    f.milestones.length ? inArray(sends.milestone, f.milestones) : undefined,
    f.carriers.length ? inArray(orders.carrier, f.carriers) : undefined,
    f.countries.length ? inArray(orders.country, f.countries) : undefined,
    f.stores.length ? inArray(orders.store, f.stores) : undefined,
    f.since !== null ? gte(sends.dueAt, f.since) : undefined,
    f.until !== null ? lt(sends.dueAt, f.until) : undefined,
  ].filter((c): c is SQL => c !== undefined);
  return conditions.length ? and(...conditions) : undefined;
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

function base(db: PgQ) {
  return db.select(columns).from(sends).innerJoin(orders, eq(orders.orderId, sends.orderId));
}

/** Up to `cap` (then "at least"); on the sends table alone unless the filter names something of the order. */
async function countSends(db: PgQ, f: SendFilter, cap = COUNT_CAP): Promise<{ n: number; capped: boolean }> {
  const needsOrders = f.carriers.length + f.countries.length + f.stores.length > 0;
  const matching = needsOrders
    ? db.select({ one: sends.id }).from(sends).innerJoin(orders, eq(orders.orderId, sends.orderId)).where(where(f)).limit(cap + 1)
    : db.select({ one: sends.id }).from(sends).where(where(f)).limit(cap + 1);
  const [row] = await db.select({ n: count() }).from(matching.as('matching'));
  const n = row?.n ?? 0;
  return n > cap ? { n: cap, capped: true } : { n, capped: false };
}

/** One page by due time, then id. */
function listSends(db: PgQ, f: SendFilter, limit: number, offset: number): Promise<SendListRow[]> {
  return base(db).where(where(f)).orderBy(asc(sends.dueAt), asc(sends.id)).limit(limit).offset(offset);
}

/** One page after a keyset cursor (due time, then id). */
function listSendsAfter(db: PgQ, f: SendFilter, limit: number, after: { dueAt: number; id: number } | null): Promise<SendListRow[]> {
  const keyset = after ? or(gt(sends.dueAt, after.dueAt), and(eq(sends.dueAt, after.dueAt), gt(sends.id, after.id))) : undefined;
  return base(db).where(and(where(f), keyset)).orderBy(asc(sends.dueAt), asc(sends.id)).limit(limit);
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
