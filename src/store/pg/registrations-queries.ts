import { and, asc, eq, getTableColumns, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../registrations.js';
import { pendingRegistration, type ProviderPause, type RegisteredFacts, type RegistrationRow, type RegistrationState, type TrackingProviderName } from '../registrations.js';
import { meta, orders, trackingEvents, trackingRegistrationCounts, trackingRegistrations } from '../schema-pg.js';
import type { PgQ } from './queries.js';

const R = trackingRegistrations;

/** SQLite compares text byte by byte (BINARY); so does PostgreSQL's "C" collation, whatever the database's own. */
const binary = (column: AnyPgColumn) => sql`${column} COLLATE "C"`;

/** Byte order of two strings' UTF-8, as SQLite's BINARY collation sorts them. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Ties in due time: SQLite's due index yields them in entry (rowid) order.
 * PostgreSQL has no entry order; creation time then order id comes nearest.
 */
const dueOrder = [asc(R.dueAt), asc(R.createdAt), binary(R.orderId)];

const pauseKey = (provider: TrackingProviderName) => `tracking.pause.${provider}`;

/** Inserts and lists go in chunks: PostgreSQL takes at most 65535 parameters in a statement. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** A write per chunk; several in one transaction, all or none like SQLite's single statement. */
async function writeInChunks<T>(db: PgQ, items: readonly T[], write: (q: PgQ, part: T[]) => Promise<unknown>): Promise<void> {
  const parts = chunks(items);
  if (parts.length === 1) await write(db, parts[0]);
  else if (parts.length > 1) await db.transaction(async (tx) => { for (const part of parts) await write(tx, part); });
}

const providerFacts = (facts: RegisteredFacts) => ({
  providerId: facts.providerId ?? sql`${R.providerId}`,
  detectedCarrier: facts.detectedCarrier ?? sql`${R.detectedCarrier}`,
});

/** PostgreSQL twins of `src/store/registrations.ts`. */
export function pgRegistrationsQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    async insertRegistrations(rows, now) {
      await writeInChunks(db, rows, (q, part) => q.insert(R).values(part.map((r) => pendingRegistration(r, now))).onConflictDoNothing());
    },

    async claimDue(provider, state, now, limit, leaseUntil, orderId) {
      // Rows another worker holds are skipped, not waited for: two syncs never take the same row.
      // A CTE, so the locking select runs once: as an IN subquery it is rescanned per row
      // updated, each rescan skipping the rows just updated and taking the next ones.
      const due = db.$with('due').as(
        db
          .select({ id: R.orderId })
          .from(R)
          .where(and(eq(R.provider, provider), eq(R.state, state), lte(R.dueAt, now), orderId ? eq(R.orderId, orderId) : undefined))
          .orderBy(...dueOrder)
          .limit(limit)
          .for('update', { skipLocked: true }),
      );
      const claimed = await db
        .with(due)
        .update(R)
        .set({ dueAt: leaseUntil })
        .where(and(inArray(R.orderId, db.select({ id: due.id }).from(due)), eq(R.state, state)))
        .returning();
      // SQLite's update returns the rows in entry (rowid) order.
      return claimed.sort((a, b) => a.createdAt - b.createdAt || byBytes(a.orderId, b.orderId));
    },

    async dueRegistrations(provider, state, now, limit) {
      return db
        .select()
        .from(R)
        .where(and(eq(R.provider, provider), eq(R.state, state), lte(R.dueAt, now)))
        .orderBy(...dueOrder)
        .limit(limit);
    },

    async markRegistered(orderId, facts, now, pollAfterMs) {
      await db.transaction(async (tx) => {
        await tx
          .update(R)
          .set({ state: 'registered', dueAt: now + pollAfterMs, ...providerFacts(facts), attempts: sql`${R.attempts} + 1`, lastError: null, registeredAt: now, updatedAt: now })
          .where(and(eq(R.orderId, orderId), eq(R.state, 'pending')));
        // A feed changes what the delay watch may say: it looks at the order again.
        await tx.update(orders).set({ watchAt: now }).where(and(eq(orders.orderId, orderId), eq(orders.state, 'active')));
      });
    },

    async markRejected(orderId, error, now) {
      await db
        .update(R)
        .set({ state: 'rejected', dueAt: null, attempts: sql`${R.attempts} + 1`, lastError: error, updatedAt: now })
        .where(and(eq(R.orderId, orderId), eq(R.state, 'pending')));
    },

    async deferRegistrations(orderIds, state, error, dueAt, now) {
      await writeInChunks(db, orderIds, (q, part) =>
        q
          .update(R)
          .set({ dueAt, attempts: sql`${R.attempts} + 1`, lastError: error, updatedAt: now })
          .where(and(inArray(R.orderId, part), eq(R.state, state))),
      );
    },

    async markPolled(orderId, facts, now, pollAfterMs) {
      await db
        .update(R)
        .set({ dueAt: now + pollAfterMs, lastPollAt: now, lastError: null, ...providerFacts(facts), updatedAt: now })
        .where(and(eq(R.orderId, orderId), eq(R.state, 'registered')));
    },

    async notePush(orderId, now, pollAfterMs, detectedCarrier) {
      await db
        .update(R)
        .set({
          lastPushAt: now,
          dueAt: sql`greatest(coalesce(${R.dueAt}, 0), ${now + pollAfterMs}::bigint)`,
          detectedCarrier:
            detectedCarrier !== null ? sql`CASE WHEN ${R.carrier} = ${detectedCarrier} THEN ${R.detectedCarrier} ELSE ${detectedCarrier}::text END` : sql`${R.detectedCarrier}`,
          updatedAt: now,
        })
        .where(and(eq(R.orderId, orderId), eq(R.state, 'registered')));
    },

    async requestStop(orderId, now) {
      // One row per order, in one state: at most one of the two updates applies.
      await db.update(R).set({ state: 'stopping', dueAt: now, updatedAt: now }).where(and(eq(R.orderId, orderId), eq(R.state, 'registered')));
      await db
        .update(R)
        .set({ state: 'stopped', dueAt: null, stoppedAt: now, lastError: 'order finished before registration', updatedAt: now })
        .where(and(eq(R.orderId, orderId), eq(R.state, 'pending')));
    },

    async markStopped(orderIds, now) {
      await writeInChunks(db, orderIds, (q, part) =>
        q
          .update(R)
          .set({ state: 'stopped', dueAt: null, stoppedAt: now, lastError: null, updatedAt: now })
          .where(and(inArray(R.orderId, part), eq(R.state, 'stopping'))),
      );
    },

    async makeDueNow(now, orderId) {
      const result = await db
        .update(R)
        .set({ dueAt: now })
        .where(and(inArray(R.state, ['pending', 'registered', 'stopping']), orderId ? eq(R.orderId, orderId) : undefined));
      return result.rowCount ?? 0;
    },

    async changeCarrier(orderId, carrier, detected, now) {
      await db.transaction(async (tx) => {
        await tx.update(R).set({ carrier, detectedCarrier: detected, updatedAt: now }).where(eq(R.orderId, orderId));
        await tx.update(orders).set({ carrier, updatedAt: now }).where(eq(orders.orderId, orderId));
      });
    },

    async registrationOf(orderId) {
      const [row] = await db.select().from(R).where(eq(R.orderId, orderId)).limit(1);
      return row as RegistrationRow | undefined;
    },

    async registrationsOf(orderIds) {
      const out = new Map<string, RegistrationRow>();
      for (const part of chunks(orderIds)) {
        for (const row of await db.select().from(R).where(inArray(R.orderId, part)).orderBy(binary(R.orderId))) out.set(row.orderId, row);
      }
      return out;
    },

    async registrationsForNumbers(provider, numbers) {
      if (numbers.length === 0) return [];
      // SQLite answers through the due index (provider, state, due time): its order, kept.
      return db
        .select()
        .from(R)
        .where(and(eq(R.provider, provider), inArray(R.trackingNumber, [...numbers])))
        .orderBy(binary(R.state), sql`${R.dueAt} ASC NULLS FIRST`, asc(R.createdAt), binary(R.orderId));
    },

    async registrationCounts() {
      const C = trackingRegistrationCounts;
      const oldest = db
        .select({ at: R.dueAt })
        .from(R)
        .where(and(sql`${R.provider} = ${C.provider}`, sql`${R.state} = ${C.state}`, isNotNull(R.dueAt)))
        .orderBy(asc(R.dueAt))
        .limit(1);
      const rows = await db
        .select({ provider: C.provider, state: C.state, count: C.n, oldestDueAt: sql<number | null>`(${oldest})` })
        .from(C)
        .where(sql`${C.n} > 0`)
        .orderBy(binary(C.provider), binary(C.state));
      return rows.map((r) => ({ ...r, state: r.state as RegistrationState, oldestDueAt: r.oldestDueAt === null ? null : Number(r.oldestDueAt) }));
    },

    async isRegistered(orderId) {
      const rows = await db
        .select({ id: R.orderId })
        .from(R)
        .where(and(eq(R.orderId, orderId), inArray(R.state, ['registered', 'stopping'])))
        .limit(1);
      return rows.length > 0;
    },

    async registeredAmong(orderIds) {
      const out = new Set<string>();
      for (const part of chunks(orderIds)) {
        const rows = await db
          .select({ id: R.orderId })
          .from(R)
          .where(and(inArray(R.orderId, part), inArray(R.state, ['registered', 'stopping'])))
          .orderBy(binary(R.orderId));
        for (const r of rows) out.add(r.id);
      }
      return out;
    },

    async registrationsNeedingAttention(registeredBefore, store) {
      const noScan = and(
        eq(R.state, 'registered'),
        lte(R.registeredAt, registeredBefore),
        isNull(orders.lastEventAt),
        sql`NOT EXISTS (SELECT 1 FROM ${trackingEvents} WHERE ${trackingEvents.orderId} = ${R.orderId})`,
      );
      // Parenthesised as meant (SQLite's and() lets the OR escape the active/store filter); in entry order, as SQLite's scan of the registrations.
      return db
        .select({ ...getTableColumns(R), store: orders.store })
        .from(R)
        .innerJoin(orders, eq(orders.orderId, R.orderId))
        .where(and(eq(orders.state, 'active'), store ? eq(orders.store, store) : undefined, sql`((${noScan}) OR ${R.state} = 'rejected')`))
        .orderBy(asc(R.createdAt), binary(R.orderId));
    },

    async providerPause(provider) {
      const [row] = await db.select().from(meta).where(eq(meta.key, pauseKey(provider))).limit(1);
      return row ? (JSON.parse(row.value) as ProviderPause) : null;
    },

    async pauseProvider(provider, pause) {
      const value = JSON.stringify(pause);
      await db.insert(meta).values({ key: pauseKey(provider), value }).onConflictDoUpdate({ target: meta.key, set: { value } });
    },

    async resumeProvider(provider) {
      const result = await db.delete(meta).where(eq(meta.key, pauseKey(provider)));
      return (result.rowCount ?? 0) > 0;
    },
  };
}
