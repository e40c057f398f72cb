import { and, asc, eq, isNull } from 'drizzle-orm';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../store-webhooks.js';
import type { NewStoreWebhook, StoreWebhookRow } from '../store-webhooks.js';
import { storeWebhooks } from '../schema-pg.js';
import type { PgQ } from './queries.js';

/**
 * As SQLite's: a repeat's insert does nothing and the first row is read back
 * (after a concurrent first delivery commits). A repeat takes an id as SQLite's
 * AUTOINCREMENT does, so the two keep numbering deliveries alike.
 */
async function storeWebhookOnce(db: PgQ, delivery: NewStoreWebhook, now: number): Promise<{ stored: boolean; row: StoreWebhookRow }> {
  const [inserted] = await db.insert(storeWebhooks).values({ ...delivery, receivedAt: now }).onConflictDoNothing().returning();
  if (inserted) return { stored: true, row: inserted };
  const [row] = await db
    .select()
    .from(storeWebhooks)
    .where(and(eq(storeWebhooks.platform, delivery.platform), eq(storeWebhooks.deliveryId, delivery.deliveryId)));
  return { stored: false, row: row! };
}

async function markStoreWebhookApplied(db: PgQ, id: number, outcome: string, now: number): Promise<void> {
  await db.update(storeWebhooks).set({ appliedAt: now, outcome }).where(eq(storeWebhooks.id, id));
}

function pendingStoreWebhooks(db: PgQ, limit = 100): Promise<StoreWebhookRow[]> {
  // SQLite reads its pending index: by time, then id.
  return db.select().from(storeWebhooks).where(isNull(storeWebhooks.appliedAt)).orderBy(asc(storeWebhooks.receivedAt), asc(storeWebhooks.id)).limit(limit);
}

/** PostgreSQL twins of `src/store/store-webhooks.ts`. */
export function pgStoreWebhooksQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    storeWebhookOnce: (delivery, now) => storeWebhookOnce(db, delivery, now),
    markStoreWebhookApplied: (id, outcome, now) => markStoreWebhookApplied(db, id, outcome, now),
    pendingStoreWebhooks: (limit) => pendingStoreWebhooks(db, limit),
  };
}
