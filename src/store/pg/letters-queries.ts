import { and, asc, desc, eq, gte, isNotNull, ne } from 'drizzle-orm';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../letters.js';
import { orders, sends } from '../schema-pg.js';
import type { PgQ } from './queries.js';

/**
 * Newest first. Among letters sent at the same millisecond SQLite keeps the
 * order it read them in (the buyer's orders as inserted, each order's sends by
 * id): the order's creation time, then the send's id, stand in for that.
 */
async function lettersSentTo(db: PgQ, buyerEmail: string, since: number, exceptSendId: number): Promise<Array<{ milestone: string; sentAt: number }>> {
  const rows = await db
    .select({ milestone: sends.milestone, sentAt: sends.sentAt })
    .from(orders)
    .innerJoin(sends, eq(sends.orderId, orders.orderId))
    .where(and(eq(orders.buyerEmail, buyerEmail), eq(sends.status, 'sent'), isNotNull(sends.sentAt), gte(sends.sentAt, since), ne(sends.id, exceptSendId)))
    .orderBy(desc(sends.sentAt), asc(orders.createdAt), asc(sends.id));
  return rows.map((r) => ({ milestone: r.milestone, sentAt: r.sentAt! }));
}

/** PostgreSQL twins of `src/store/letters.ts`. */
export function pgLettersQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    lettersSentTo: (buyerEmail, since, exceptSendId) => lettersSentTo(db, buyerEmail, since, exceptSendId),
  };
}
