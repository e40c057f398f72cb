import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { meta } from './schema.js';

/** A secret generated once per installation and kept in the ledger, so links stay valid across restarts. */
export function installationSecret(db: Db, key: string): string {
  db.insert(meta).values({ key, value: randomBytes(32).toString('base64url') }).onConflictDoNothing().run();
  return db.select().from(meta).where(eq(meta.key, key)).get()!.value;
}

/** One value the ledger keeps about itself, or undefined. */
export function metaValue(db: Db, key: string): string | undefined {
  return db.select().from(meta).where(eq(meta.key, key)).get()?.value;
}

export function setMetaValue(db: Db, key: string, value: string): void {
  db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } }).run();
}
