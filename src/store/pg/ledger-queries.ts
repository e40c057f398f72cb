import { and, asc, eq, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { DELAY_STAGE_LIMIT } from '../../domain/delay.js';
import { emailKey } from '../../domain/identifiers.js';
import type { Milestone } from '../../domain/milestones.js';
import type { PlannedSend } from '../../domain/plan.js';
import { OPTIONAL_LETTERS } from '../../domain/unsubscribe.js';
import type { QueriesOf } from '../ledger-api.js';
import { PENDING_STATUSES } from '../ledger.js';
import type * as sqlite from '../ledger.js';
import { pendingRegistration } from '../registrations.js';
import { orders, sends, suppressions, trackingRegistrations } from '../schema-pg.js';
import type { PgQ } from './queries.js';
import { pgRegistrationsQueries } from './registrations-queries.js';

type OpenLedger = QueriesOf<typeof sqlite>;

/** PostgreSQL's limit of bind parameters in one statement. */
const MAX_PARAMS = 65_535;

/** `items` in runs small enough for one multi-row INSERT of `columns` parameters a row. */
export function insertChunks<T>(items: readonly T[], columns: number): T[][] {
  const size = Math.floor(MAX_PARAMS / columns);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `column = ANY($1::type[])`: one parameter however long the list (an IN list takes one per value). */
export function anyOf(column: PgColumn, values: readonly unknown[], type: 'bigint' | 'text'): SQL {
  return sql`${column} = ANY(${sql.param([...values])}::${sql.raw(type)}[])`;
}

/** Text compared byte by byte, as SQLite's BINARY collation does, whatever the database's collation. */
const binary = (column: PgColumn) => sql`${column} COLLATE "C"`;

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
/** Updated ids in ascending order, as SQLite's RETURNING gives them (its IN list and order index walk by id). */
const idsOf = (rows: Array<{ id: number }>) => rows.sort(byId).map((r) => r.id);

const changed = (result: { rowCount: number | null }) => result.rowCount ?? 0;

function sendValues(orderId: string, planned: PlannedSend, now: number) {
  return {
    orderId,
    milestone: planned.milestone,
    status: planned.status,
    reason: planned.reason,
    dueAt: planned.dueAt.toMillis(),
    createdAt: now,
    updatedAt: now,
  } as const;
}

const open = (status: 'scheduled' | 'queued') => eq(sends.status, status);
const stillOpen = sql`${sends.status} IN ('scheduled', 'queued')`;

/** PostgreSQL twins of `src/store/ledger.ts`. */
export function pgLedgerQueries(db: PgQ): OpenLedger {
  return { ...orderQueries(db), ...sendQueries(db), ...promoterQueries(db), ...watchQueries(db) };
}

/** Orders, suppressions and whole-order changes. */
function orderQueries(db: PgQ) {
  return {
    insertOrder: (order, planned, now, registration = null) =>
      db.transaction(async (tx) => {
        const inserted = await tx
          .insert(orders)
          .values({
            orderId: order.orderId,
            store: order.store,
            buyerName: order.buyerName,
            buyerEmail: order.buyerEmail,
            buyerChannelId: order.buyerChannelId ?? null,
            buyerLocale: order.buyerLocale,
            buyerTimezone: order.buyerTimezone,
            country: order.country,
            carrier: order.carrier,
            trackingNumber: order.trackingNumber,
            shippedAt: order.shippedAt.toMillis(),
            state: order.state,
            watchAt: order.state === 'active' ? order.shippedAt.toMillis() : null,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .returning({ orderId: orders.orderId });
        if (inserted.length === 0) return { created: false };
        if (planned.length > 0) await tx.insert(sends).values(planned.map((p) => sendValues(order.orderId, p, now)));
        if (registration) await tx.insert(trackingRegistrations).values(pendingRegistration(registration, now)).onConflictDoNothing();
        return { created: true };
      }),
    getOrder: async (orderId) => (await db.select().from(orders).where(eq(orders.orderId, orderId)))[0],
    cancelOrder: (orderId, reason, now) =>
      db.transaction(async (tx) => {
        await tx.update(orders).set({ state: 'cancelled', stateReason: reason, updatedAt: now }).where(eq(orders.orderId, orderId));
        await pgRegistrationsQueries(tx).requestStop(orderId, now);
        const rows = await tx
          .update(sends)
          .set({ status: 'cancelled', reason, updatedAt: now })
          .where(and(eq(sends.orderId, orderId), stillOpen))
          .returning({ id: sends.id });
        return idsOf(rows);
      }),
    isSuppressed: async (email, milestone) => {
      const [row] = await db.select({ scope: suppressions.scope }).from(suppressions).where(eq(suppressions.email, emailKey(email)));
      if (!row) return false;
      return row.scope === 'all' || OPTIONAL_LETTERS.has(milestone);
    },
    suppress: async (email, scope, reason, now) => {
      await db
        .insert(suppressions)
        .values({ email: emailKey(email), scope, reason, createdAt: now })
        .onConflictDoUpdate({
          target: suppressions.email,
          // A hard bounce widens an unsubscribe; an unsubscribe never narrows a hard bounce.
          set: { scope: sql`CASE WHEN ${suppressions.scope} = 'all' THEN 'all' ELSE excluded.scope END`, reason },
        });
    },
    setDisputedAt: async (orderId, disputedAt, now) => {
      await db.update(orders).set({ disputedAt, updatedAt: now }).where(eq(orders.orderId, orderId));
    },
  } satisfies Partial<OpenLedger>;
}

/** One send's life: inserted, claimed, sent, skipped, cancelled, moved. */
function sendQueries(db: PgQ) {
  return {
    insertSend: async (orderId, planned, now) => {
      const rows = await db.insert(sends).values(sendValues(orderId, planned, now)).onConflictDoNothing().returning();
      return rows[0] ?? null;
    },
    getSend: async (id) => (await db.select().from(sends).where(eq(sends.id, id)))[0],
    sendsOfOrder: async (orderId) => await db.select().from(sends).where(eq(sends.orderId, orderId)).orderBy(asc(sends.dueAt), asc(sends.id)),
    sentMilestones: async (orderId) => {
      const rows = await db
        .select({ milestone: sends.milestone })
        .from(sends)
        .where(and(eq(sends.orderId, orderId), eq(sends.status, 'sent')))
        .orderBy(asc(sends.id));
      return rows.map((r) => r.milestone as Milestone);
    },
    // One conditional update: zero rows means another worker has it, or it is finished; a claim past its lease is taken over.
    claimSend: async (id, now, leaseMs) => {
      const rows = await db
        .update(sends)
        .set({ status: 'sending', attempts: sql`${sends.attempts} + 1`, claimedAt: now, updatedAt: now })
        .where(
          and(
            eq(sends.id, id),
            or(stillOpen, and(eq(sends.status, 'sending'), lt(sends.claimedAt, now - leaseMs))),
          ),
        )
        .returning();
      return rows[0] ?? null;
    },
    recordSent: async (id, facts, now) => {
      await db
        .update(sends)
        .set({
          status: 'sent', messageId: facts.messageId, smtpResponse: facts.smtpResponse, subject: facts.subject,
          template: facts.template, locale: facts.locale, sentAt: now, error: null, updatedAt: now,
        })
        .where(and(eq(sends.id, id), eq(sends.status, 'sending')));
    },
    noteUnrecorded: async (id, note, now) => {
      await db.update(sends).set({ error: note, updatedAt: now }).where(and(eq(sends.id, id), eq(sends.status, 'sending')));
    },
    releaseClaim: async (id, error, now) => {
      await db
        .update(sends)
        .set({ status: 'queued', error, claimedAt: null, updatedAt: now })
        .where(and(eq(sends.id, id), eq(sends.status, 'sending')));
    },
    recordFailed: async (id, error, now, facts = {}) => {
      await db
        .update(sends)
        .set({ ...facts, status: 'failed', error, updatedAt: now })
        .where(and(eq(sends.id, id), anyOf(sends.status, PENDING_STATUSES, 'text')));
    },
    recordSkip: async (id, reason, now) =>
      changed(await db.update(sends).set({ status: 'skipped', reason, updatedAt: now }).where(and(eq(sends.id, id), stillOpen))) > 0,
    recordCancelled: async (id, reason, now) =>
      changed(await db.update(sends).set({ status: 'cancelled', reason, updatedAt: now }).where(and(eq(sends.id, id), stillOpen))) > 0,
    reschedule: async (id, dueAt, status, now, read) =>
      changed(
        await db
          .update(sends)
          .set({ status, dueAt, updatedAt: now })
          .where(and(eq(sends.id, id), stillOpen, read ? and(eq(sends.dueAt, read.dueAt), eq(sends.updatedAt, read.updatedAt)) : undefined)),
      ) > 0,
    insertResend: async (original, now) => {
      const [row] = await db
        .insert(sends)
        .values({ orderId: original.orderId, milestone: original.milestone, resendOf: original.id, status: 'scheduled', dueAt: now, createdAt: now, updatedAt: now })
        .returning();
      return row;
    },
    cancelPending: async (orderId, milestones, reason, now) => {
      if (milestones.length === 0) return [];
      const rows = await db
        .update(sends)
        .set({ status: 'cancelled', reason, updatedAt: now })
        .where(and(eq(sends.orderId, orderId), anyOf(sends.milestone, milestones, 'text'), stillOpen))
        .returning({ id: sends.id });
      return idsOf(rows);
    },
    releaseHeldReview: async (orderId, dueAt, now) =>
      changed(
        await db
          .update(sends)
          .set({ dueAt, updatedAt: now })
          .where(and(eq(sends.orderId, orderId), eq(sends.milestone, 'day14'), isNull(sends.resendOf), stillOpen)),
      ),
  } satisfies Partial<OpenLedger>;
}

/** The promoter's and the reconciler's batches: several processes run them against one database. */
function promoterQueries(db: PgQ) {
  return {
    /**
     * Locks the rows it returns (FOR UPDATE SKIP LOCKED, sends only): inside a
     * transaction that goes on to skipStale/markQueued, a second promoter's
     * call passes over them and takes the next ones instead of waiting.
     */
    dueForPromotion: async (until, limit) =>
      await db
        .select({
          id: sends.id, dueAt: sends.dueAt, milestone: sends.milestone, resendOf: sends.resendOf,
          carrier: orders.carrier, country: orders.country, store: orders.store,
        })
        .from(sends)
        .innerJoin(orders, eq(orders.orderId, sends.orderId))
        .where(and(open('scheduled'), lte(sends.dueAt, until)))
        .orderBy(asc(sends.dueAt), asc(sends.id))
        .limit(limit)
        .for('update', { of: sends, skipLocked: true }),
    skipStale: async (ids, now) => {
      if (ids.length === 0) return 0;
      return changed(
        await db.update(sends).set({ status: 'skipped', reason: 'stale', updatedAt: now }).where(and(anyOf(sends.id, ids, 'bigint'), open('scheduled'))),
      );
    },
    markQueued: async (ids, now) => {
      if (ids.length === 0) return [];
      const rows = await db
        .update(sends)
        .set({ status: 'queued', queuedAt: now, updatedAt: now })
        .where(and(anyOf(sends.id, ids, 'bigint'), open('scheduled')))
        .returning({ id: sends.id });
      return idsOf(rows);
    },
    markScheduled: async (ids, now) => {
      if (ids.length === 0) return;
      await db.update(sends).set({ status: 'scheduled', queuedAt: null, updatedAt: now }).where(and(anyOf(sends.id, ids, 'bigint'), open('queued')));
    },
    // A read of pages by (due_at, id): it changes nothing, so it takes no lock (a lock would last only the statement).
    queuedSends: async (after, limit) =>
      await db
        .select({ id: sends.id, dueAt: sends.dueAt })
        .from(sends)
        .where(and(open('queued'), after ? sql`(${sends.dueAt}, ${sends.id}) > (${after.dueAt}, ${after.id})` : undefined))
        .orderBy(asc(sends.dueAt), asc(sends.id))
        .limit(limit),
    /** Expired claims back to queued in one statement; rows another process holds locked are left to it. */
    releaseExpiredClaims: async (now, leaseMs) => {
      const expired = and(eq(sends.status, 'sending'), or(isNull(sends.claimedAt), lt(sends.claimedAt, now - leaseMs)));
      const locked = db.select({ id: sends.id }).from(sends).where(expired).for('update', { skipLocked: true });
      const rows = await db
        .update(sends)
        .set({ status: 'queued', claimedAt: null, error: 'claim expired (worker stopped mid-send)', updatedAt: now })
        .where(and(inArray(sends.id, locked), expired))
        .returning({ id: sends.id });
      return idsOf(rows);
    },
  } satisfies Partial<OpenLedger>;
}

/** The delay watch: orders whose check has come, their notices, their next check. */
function watchQueries(db: PgQ) {
  return {
    ordersToWatch: async (now, limit) =>
      await db
        .select()
        .from(orders)
        .where(and(lte(orders.watchAt, now), eq(orders.state, 'active'), lt(orders.stageRank, DELAY_STAGE_LIMIT)))
        // Ties: SQLite's watch index yields them in entry (rowid) order; creation time, then id, comes nearest.
        .orderBy(asc(orders.watchAt), asc(orders.createdAt), asc(binary(orders.orderId)))
        .limit(limit),
    delayNoticeTimes: async (orderIds) => {
      const out = new Map<string, number[]>();
      if (orderIds.length === 0) return out;
      const rows = await db
        .select({ orderId: sends.orderId, dueAt: sends.dueAt })
        .from(sends)
        .where(and(anyOf(sends.orderId, orderIds, 'text'), eq(sends.milestone, 'delay'), isNull(sends.resendOf)))
        .orderBy(asc(binary(sends.orderId)), asc(sends.seq), asc(sends.id));
      for (const r of rows) out.set(r.orderId, [...(out.get(r.orderId) ?? []), r.dueAt]);
      return out;
    },
    setWatchAt: async (next) => {
      if (next.length === 0) return;
      // SQLite runs one update per entry in order, so a repeated order id ends with its last time.
      const last = new Map(next.map((n) => [n.orderId, n.at]));
      const v = sql`unnest(${sql.param([...last.keys()])}::text[], ${sql.param([...last.values()])}::bigint[]) AS v(order_id, at)`;
      await db
        .update(orders)
        .set({ watchAt: sql`v.at` })
        .from(v)
        .where(sql`${orders.orderId} = v.order_id`);
    },
    insertRuleSends: (rows, now) =>
      db.transaction(async (tx) => {
        const values = rows.map(({ orderId, planned: p }) => ({
          orderId, milestone: p.milestone, seq: p.seq ?? 0, status: p.status, reason: p.reason, dueAt: p.dueAt.toMillis(), createdAt: now, updatedAt: now,
        }));
        const fresh = new Map<string, number>();
        const key = (r: { orderId: string; milestone: string; seq: number }) => `${r.seq}\u0000${r.milestone}\u0000${r.orderId}`;
        for (const chunk of insertChunks(values, 8)) {
          const inserted = await tx
            .insert(sends)
            .values(chunk)
            .onConflictDoNothing()
            .returning({ orderId: sends.orderId, milestone: sends.milestone, seq: sends.seq });
          for (const r of inserted) fresh.set(key(r), (fresh.get(key(r)) ?? 0) + 1);
        }
        // Of two equal rows in one call, the first is the one inserted, as in SQLite's row-by-row loop.
        return values.map((v) => {
          const n = fresh.get(key(v)) ?? 0;
          if (n > 0) fresh.set(key(v), n - 1);
          return n > 0;
        });
      }),
    insertRuleSend: async (orderId, planned, now) => {
      const rows = await db
        .insert(sends)
        .values({
          orderId,
          milestone: planned.milestone,
          seq: planned.seq ?? 0,
          status: planned.status,
          reason: planned.reason,
          dueAt: planned.dueAt.toMillis(),
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      return rows[0] ?? null;
    },
  } satisfies Partial<OpenLedger>;
}
