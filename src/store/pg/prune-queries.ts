import { and, eq, inArray, lt, ne, notExists } from 'drizzle-orm';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../prune.js';
import type { PruneBatch } from '../prune.js';
import { disputes, feedback, orders, sends, trackingEvents, trackingRegistrations } from '../schema-pg.js';
import { anyOf } from './ledger-queries.js';
import type { PgQ } from './queries.js';

/** Up to `limit` finished orders shipped before `before` with nothing left to send: one batch for `pruneOrders`. */
async function prunableOrders(db: PgQ, before: number, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: orders.orderId })
    .from(orders)
    .where(
      and(
        ne(orders.state, 'active'),
        lt(orders.shippedAt, before),
        notExists(db.select({ one: sends.id }).from(sends).where(and(eq(sends.orderId, orders.orderId), inArray(sends.status, ['scheduled', 'queued', 'sending'])))),
      ),
    )
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * One short transaction per batch, as on SQLite: the orders with their sends,
 * tracking events, registrations, ratings and disputes. The ids go as one array parameter: a
 * batch may hold 50,000, near PostgreSQL's limit of 65,535 parameters.
 */
async function pruneOrders(db: PgQ, orderIds: readonly string[]): Promise<PruneBatch> {
  if (orderIds.length === 0) return { orders: 0, sends: 0, events: 0 };
  return db.transaction(async (tx) => {
    const events = (await tx.delete(trackingEvents).where(anyOf(trackingEvents.orderId, orderIds, 'text'))).rowCount ?? 0;
    const sent = (await tx.delete(sends).where(anyOf(sends.orderId, orderIds, 'text'))).rowCount ?? 0;
    await tx.delete(trackingRegistrations).where(anyOf(trackingRegistrations.orderId, orderIds, 'text'));
    await tx.delete(feedback).where(anyOf(feedback.orderId, orderIds, 'text'));
    await tx.delete(disputes).where(anyOf(disputes.orderId, orderIds, 'text'));
    const removed = (await tx.delete(orders).where(anyOf(orders.orderId, orderIds, 'text'))).rowCount ?? 0;
    return { orders: removed, sends: sent, events };
  });
}

/** PostgreSQL twins of `src/store/prune.ts`. */
export function pgPruneQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    prunableOrders: (before, limit) => prunableOrders(db, before, limit),
    pruneOrders: (orderIds) => pruneOrders(db, orderIds),
  };
}
