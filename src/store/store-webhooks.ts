import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from './db.js';
import { storeWebhooks, type StorePlatform } from './schema.js';

export type StoreWebhookRow = typeof storeWebhooks.$inferSelect;

export interface NewStoreWebhook {
  platform: StorePlatform;
  deliveryId: string;
  shop: string;
  store: string;
  topic: string;
  raw: string;
}

/**
 * Stores a delivery once per (platform, delivery id). A repeat returns the
 * first row with `stored: false`, so a retry of a delivery not yet applied
 * (the process died in between) can still be applied.
 */
export function storeWebhookOnce(db: Db, delivery: NewStoreWebhook, now: number): { stored: boolean; row: StoreWebhookRow } {
  const inserted = db.insert(storeWebhooks).values({ ...delivery, receivedAt: now }).onConflictDoNothing().returning().all();
  if (inserted[0]) return { stored: true, row: inserted[0] };
  const row = db
    .select()
    .from(storeWebhooks)
    .where(and(eq(storeWebhooks.platform, delivery.platform), eq(storeWebhooks.deliveryId, delivery.deliveryId)))
    .get()!;
  return { stored: false, row };
}

export function markStoreWebhookApplied(db: Db, id: number, outcome: string, now: number): void {
  db.update(storeWebhooks).set({ appliedAt: now, outcome }).where(eq(storeWebhooks.id, id)).run();
}

/** Deliveries stored but not applied (a crash between the two), oldest first. */
export function pendingStoreWebhooks(db: Db, limit = 100): StoreWebhookRow[] {
  return db.select().from(storeWebhooks).where(isNull(storeWebhooks.appliedAt)).orderBy(asc(storeWebhooks.receivedAt)).limit(limit).all();
}
