import { and, eq, gte, isNotNull, ne } from 'drizzle-orm';
import type { Db } from './db.js';
import { orders, sends } from './schema.js';

/**
 * Letters sent to a buyer's address since `since` (any of their orders),
 * newest first, leaving out the send being decided: the worker's inbox rules.
 */
export function lettersSentTo(db: Db, buyerEmail: string, since: number, exceptSendId: number): Array<{ milestone: string; sentAt: number }> {
  return db
    .select({ milestone: sends.milestone, sentAt: sends.sentAt })
    .from(sends)
    .innerJoin(orders, eq(orders.orderId, sends.orderId))
    .where(and(eq(orders.buyerEmail, buyerEmail), eq(sends.status, 'sent'), isNotNull(sends.sentAt), gte(sends.sentAt, since), ne(sends.id, exceptSendId)))
    .all()
    .map((r) => ({ milestone: r.milestone, sentAt: r.sentAt! }))
    .sort((a, b) => b.sentAt - a.sentAt);
}
