import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { trackingEvents } from './schema.js';

const cache = new WeakMap<Db, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  return db
    .select({ occurredAt: trackingEvents.occurredAt })
    .from(trackingEvents)
    .where(and(eq(trackingEvents.orderId, sql.placeholder('orderId')), eq(trackingEvents.milestone, sql.placeholder('milestone'))))
    .orderBy(asc(trackingEvents.occurredAt))
    .limit(1)
    .prepare();
}

/** When the order first reached a milestone according to tracking, for "handed to customs on ...". */
export function firstEventAt(db: Db, orderId: string, milestone: string): number | null {
  let statement = cache.get(db);
  if (!statement) {
    statement = prepare(db);
    cache.set(db, statement);
  }
  return statement.get({ orderId, milestone })?.occurredAt ?? null;
}

export type TrackingEventRow = typeof trackingEvents.$inferSelect;

/** Events linked to the order, plus ones for its tracking number still waiting for a match (never one matched to another order). */
export function eventsForOrder(db: Db, orderId: string, trackingNumber: string): TrackingEventRow[] {
  // Two indexed lookups rather than one OR, which SQLite may answer with a scan of every event.
  const linked = db.select().from(trackingEvents).where(eq(trackingEvents.orderId, orderId)).all();
  const waiting = db
    .select()
    .from(trackingEvents)
    .where(and(eq(trackingEvents.trackingNumber, trackingNumber), isNull(trackingEvents.orderId)))
    .all();
  return [...linked, ...waiting].sort((a, b) => (a.occurredAt ?? 0) - (b.occurredAt ?? 0) || a.id - b.id);
}
