import { and, inArray, lt, ne, notExists, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { disputes, feedback, orders, sends, trackingEvents, trackingRegistrations } from './schema.js';

export interface PruneBatch {
  orders: number;
  sends: number;
  events: number;
}

/**
 * Finished orders (delivered, returned, cancelled) shipped before `before`,
 * with nothing left to send: up to `limit` of them.
 */
export function prunableOrders(db: Db, before: number, limit: number): string[] {
  return db
    .select({ id: orders.orderId })
    .from(orders)
    .where(
      and(
        ne(orders.state, 'active'),
        lt(orders.shippedAt, before),
        notExists(db.select({ one: sends.id }).from(sends).where(and(eq(sends.orderId, orders.orderId), inArray(sends.status, ['scheduled', 'queued', 'sending'])))),
      ),
    )
    .limit(limit)
    .all()
    .map((r) => r.id);
}

/**
 * Removes these orders with their sends, tracking events, registrations,
 * ratings and disputes in one short transaction (the suppression list, about
 * addresses, stays).
 */
export function pruneOrders(db: Db, orderIds: readonly string[]): PruneBatch {
  if (orderIds.length === 0) return { orders: 0, sends: 0, events: 0 };
  const ids = [...orderIds];
  return db.transaction((tx) => {
    const events = tx.delete(trackingEvents).where(inArray(trackingEvents.orderId, ids)).run().changes;
    const sent = tx.delete(sends).where(inArray(sends.orderId, ids)).run().changes;
    tx.delete(trackingRegistrations).where(inArray(trackingRegistrations.orderId, ids)).run();
    // A finished order's rating and dispute go with it: they hold the order by a foreign key.
    tx.delete(feedback).where(inArray(feedback.orderId, ids)).run();
    tx.delete(disputes).where(inArray(disputes.orderId, ids)).run();
    const removed = tx.delete(orders).where(inArray(orders.orderId, ids)).run().changes;
    return { orders: removed, sends: sent, events };
  });
}
