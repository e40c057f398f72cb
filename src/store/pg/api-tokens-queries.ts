import { asc, eq, sql } from 'drizzle-orm';
import type { ApiTokenRow } from '../api-tokens.js';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../api-tokens.js';
import { apiTokens } from '../schema-pg.js';
import type { PgQ } from './queries.js';

async function insertApiToken(db: PgQ, row: typeof apiTokens.$inferInsert): Promise<void> {
  await db.insert(apiTokens).values(row);
}

async function apiTokenByHash(db: PgQ, secretHash: string): Promise<ApiTokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.secretHash, secretHash));
  return row && row.revokedAt === null ? row : undefined;
}

async function touchApiToken(db: PgQ, id: string, now: number): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
}

/** One statement: a second revocation, even a concurrent one, keeps the first time. */
async function revokeApiToken(db: PgQ, id: string, now: number): Promise<ApiTokenRow | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, ${now}::bigint)` })
    .where(eq(apiTokens.id, id))
    .returning();
  return row;
}

function listApiTokens(db: PgQ): Promise<ApiTokenRow[]> {
  // Ids compared as bytes, as SQLite does, whatever the database's collation.
  return db.select().from(apiTokens).orderBy(asc(apiTokens.createdAt), sql`${apiTokens.id} COLLATE "C"`);
}

/** PostgreSQL twins of `src/store/api-tokens.ts`. */
export function pgApiTokensQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    insertApiToken: (row) => insertApiToken(db, row),
    apiTokenByHash: (secretHash) => apiTokenByHash(db, secretHash),
    touchApiToken: (id, now) => touchApiToken(db, id, now),
    revokeApiToken: (id, now) => revokeApiToken(db, id, now),
    listApiTokens: () => listApiTokens(db),
  };
}
