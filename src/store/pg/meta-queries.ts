import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../meta.js';
import { meta } from '../schema-pg.js';
import type { PgQ } from './queries.js';

/**
 * Two processes starting at once each offer a secret; the first insert wins
 * and the other's waits on it, then does nothing: both read the winner's.
 */
async function installationSecret(db: PgQ, key: string): Promise<string> {
  await db.insert(meta).values({ key, value: randomBytes(32).toString('base64url') }).onConflictDoNothing({ target: meta.key });
  const [row] = await db.select({ value: meta.value }).from(meta).where(eq(meta.key, key));
  return row!.value;
}

async function metaValue(db: PgQ, key: string): Promise<string | undefined> {
  const [row] = await db.select({ value: meta.value }).from(meta).where(eq(meta.key, key));
  return row?.value;
}

async function setMetaValue(db: PgQ, key: string, value: string): Promise<void> {
  await db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } });
}

/** PostgreSQL twins of `src/store/meta.ts`. */
export function pgMetaQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    installationSecret: (key) => installationSecret(db, key),
    metaValue: (key) => metaValue(db, key),
    setMetaValue: (key, value) => setMetaValue(db, key, value),
  };
}
