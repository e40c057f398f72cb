import { and, asc, eq, sql } from 'drizzle-orm';
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
