import { asc, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { apiTokens } from './schema.js';

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export function insertApiToken(db: Db, row: typeof apiTokens.$inferInsert): void {
  db.insert(apiTokens).values(row).run();
}

/** The live (not revoked) token with this secret hash, if any. */
export function apiTokenByHash(db: Db, secretHash: string): ApiTokenRow | undefined {
  const row = db.select().from(apiTokens).where(eq(apiTokens.secretHash, secretHash)).get();
  return row && row.revokedAt === null ? row : undefined;
}

export function touchApiToken(db: Db, id: string, now: number): void {
  db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id)).run();
}

/** Revokes a token; false when no such token exists. Revoking twice keeps the first time. */
export function revokeApiToken(db: Db, id: string, now: number): ApiTokenRow | undefined {
  const row = db.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
  if (!row) return undefined;
  if (row.revokedAt === null) db.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)).run();
  return { ...row, revokedAt: row.revokedAt ?? now };
}

export function listApiTokens(db: Db): ApiTokenRow[] {
  return db.select().from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(apiTokens.id)).all();
}
