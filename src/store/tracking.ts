import { and, asc, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { trackingEvents } from './schema.js';

/** When the order first reached a milestone according to tracking, for "handed to customs on ...". */
export function firstEventAt(db: Db, orderId: string, milestone: string): number | null {
  const row = db
    .select({ occurredAt: trackingEvents.occurredAt })
    .from(trackingEvents)
    .where(and(eq(trackingEvents.orderId, orderId), eq(trackingEvents.milestone, milestone)))
    .orderBy(asc(trackingEvents.occurredAt))
    .limit(1)
    .get();
  return row?.occurredAt ?? null;
}
