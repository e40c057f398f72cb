import { and, eq, gte, isNotNull, ne, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { prepared } from './sql.js';
import { orders, sends } from './schema.js';

/**
 * Letters sent to a buyer's address since `since` (any of their orders),
 * newest first, leaving out the send being decided: the worker's inbox rules.
 */
function lettersQuery(db: Db) {
  // Orders outer (CROSS JOIN): the buyer's orders by their email index, then their sends. Left to
  // itself SQLite walked every sent send and joined each to its order: per send, a scan of all sent mail.
  // `+status` keeps it off the status index, so a buyer's sends come by order id.
  return db
    .select({ milestone: sends.milestone, sentAt: sends.sentAt })
    .from(orders)
    .crossJoin(sends)
    .where(
      and(
        eq(sends.orderId, orders.orderId),
        eq(orders.buyerEmail, sql.placeholder('buyerEmail')),
        sql`+${sends.status} = 'sent'`,
        isNotNull(sends.sentAt),
        gte(sends.sentAt, sql.placeholder('since')),
        ne(sends.id, sql.placeholder('exceptSendId')),
      ),
    )
    .prepare();
}

export function lettersSentTo(db: Db, buyerEmail: string, since: number, exceptSendId: number): Array<{ milestone: string; sentAt: number }> {
  // Prepared once per connection: the worker asks this for every letter.
  return prepared(db, lettersQuery)
    .all({ buyerEmail, since, exceptSendId })
    .map((r) => ({ milestone: r.milestone, sentAt: r.sentAt! }))
    .sort((a, b) => b.sentAt - a.sentAt);
}
