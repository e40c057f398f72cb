import { and, asc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { camelRow, prepared } from './sql.js';
import { meta, orders, TRACKING_PROVIDERS, trackingRegistrationCounts, trackingRegistrations, type RegistrationState, type TrackingProviderName } from './schema.js';

/**
 * The tracking-registration outbox (one row per order tracked through a
 * provider's API) and the per-provider pause, behind the ledger's door.
 */

export type RegistrationRow = typeof trackingRegistrations.$inferSelect;
export type { RegistrationState, TrackingProviderName };

/** Runs several registration writes as one unit: all or none (the sync's outcomes of one provider call). */
export function inRegistrationTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(() => fn());
}

const R = trackingRegistrations;

export interface NewRegistration {
  orderId: string;
  provider: TrackingProviderName;
  trackingNumber: string;
  carrier: string;
}

/** The row a new order's registration starts as: pending, due now. */
export function pendingRegistration(r: NewRegistration, now: number): typeof R.$inferInsert {
  return { ...r, state: 'pending', dueAt: now, createdAt: now, updatedAt: now };
}

/** Inserts pending registrations; an order already registered keeps its row. */
export function insertRegistrations(db: Db, rows: readonly NewRegistration[], now: number): void {
  if (rows.length === 0) return;
  db.insert(R).values(rows.map((r) => pendingRegistration(r, now))).onConflictDoNothing().run();
}

/**
 * Takes up to `limit` due rows of one provider in `state` for work, oldest
 * due first, moving their due time to `leaseUntil` in the same statement: a
 * second sync (another process, an overlapping tick) does not take them too,
 * and a sync killed mid-call leaves them due again once the lease ends.
 */
export function claimDue(db: Db, provider: TrackingProviderName, state: RegistrationState, now: number, limit: number, leaseUntil: number, orderId?: string): RegistrationRow[] {
  const due = db
    .select({ id: R.orderId })
    .from(R)
    .where(and(eq(R.provider, provider), eq(R.state, state), lte(R.dueAt, now), orderId ? eq(R.orderId, orderId) : undefined))
    .orderBy(asc(R.dueAt))
    .limit(limit);
  return db.update(R).set({ dueAt: leaseUntil }).where(and(inArray(R.orderId, due), eq(R.state, state))).returning().all();
}

/** Rows of one provider in `state` whose work is due, oldest due first. */
export function dueRegistrations(db: Db, provider: TrackingProviderName, state: RegistrationState, now: number, limit: number): RegistrationRow[] {
  return db
    .select()
    .from(R)
    .where(and(eq(R.provider, provider), eq(R.state, state), lte(R.dueAt, now)))
    .orderBy(asc(R.dueAt))
    .limit(limit)
    .all();
}

export interface RegisteredFacts {
  providerId?: string | null;
  detectedCarrier?: string | null;
}

/** Registered: the next poll is due `pollAfterMs` from now (a push moves it further out). */
export function markRegistered(db: Db, orderId: string, facts: RegisteredFacts, now: number, pollAfterMs: number): void {
  db.update(R)
    .set({
      state: 'registered',
      dueAt: now + pollAfterMs,
      providerId: facts.providerId ?? sql`${R.providerId}`,
      detectedCarrier: facts.detectedCarrier ?? sql`${R.detectedCarrier}`,
      attempts: sql`${R.attempts} + 1`,
      lastError: null,
      registeredAt: now,
      updatedAt: now,
    })
    .where(and(eq(R.orderId, orderId), eq(R.state, 'pending')))
    .run();
  // A feed changes what the delay watch may say: it looks at the order again.
  db.update(orders).set({ watchAt: now }).where(and(eq(orders.orderId, orderId), eq(orders.state, 'active'))).run();
}

/** The provider refused the number for good (cannot detect the carrier, invalid number): never retried. */
export function markRejected(db: Db, orderId: string, error: string, now: number): void {
  db.update(R)
    .set({ state: 'rejected', dueAt: null, attempts: sql`${R.attempts} + 1`, lastError: error, updatedAt: now })
    .where(and(eq(R.orderId, orderId), eq(R.state, 'pending')))
    .run();
}

/** A transient failure (429, 5xx, network): the rows wait until `dueAt` and are tried again. */
export function deferRegistrations(db: Db, orderIds: readonly string[], state: RegistrationState, error: string, dueAt: number, now: number): void {
  if (orderIds.length === 0) return;
  db.update(R)
    .set({ dueAt, attempts: sql`${R.attempts} + 1`, lastError: error, updatedAt: now })
    .where(and(inArray(R.orderId, [...orderIds]), eq(R.state, state)))
    .run();
}

/** Polled: the next poll is due `pollAfterMs` from now. Provider facts learned on the way are kept. */
export function markPolled(db: Db, orderId: string, facts: RegisteredFacts, now: number, pollAfterMs: number): void {
  db.update(R)
    .set({
      dueAt: now + pollAfterMs,
      lastPollAt: now,
      lastError: null,
      providerId: facts.providerId ?? sql`${R.providerId}`,
      detectedCarrier: facts.detectedCarrier ?? sql`${R.detectedCarrier}`,
      updatedAt: now,
    })
    .where(and(eq(R.orderId, orderId), eq(R.state, 'registered')))
    .run();
}

/** A push for this parcel arrived: no poll is needed until `pollAfterMs` from now. */
export function notePush(db: Db, orderId: string, now: number, pollAfterMs: number, detectedCarrier: string | null): void {
  db.update(R)
    .set({
      lastPushAt: now,
      dueAt: sql`max(coalesce(${R.dueAt}, 0), ${now + pollAfterMs})`,
      detectedCarrier: detectedCarrier !== null ? sql`CASE WHEN ${R.carrier} = ${detectedCarrier} THEN ${R.detectedCarrier} ELSE ${detectedCarrier} END` : sql`${R.detectedCarrier}`,
      updatedAt: now,
    })
    .where(and(eq(R.orderId, orderId), eq(R.state, 'registered')))
    .run();
}

/**
 * The order is finished (delivered, returned, cancelled): a registered parcel
 * is stopped with the provider (so it spends no more quota), a pending one
 * never gets registered.
 */
export function requestStop(db: Db, orderId: string, now: number): void {
  db.update(R).set({ state: 'stopping', dueAt: now, updatedAt: now }).where(and(eq(R.orderId, orderId), eq(R.state, 'registered'))).run();
  db.update(R)
    .set({ state: 'stopped', dueAt: null, stoppedAt: now, lastError: 'order finished before registration', updatedAt: now })
    .where(and(eq(R.orderId, orderId), eq(R.state, 'pending')))
    .run();
}

export function markStopped(db: Db, orderIds: readonly string[], now: number): void {
  if (orderIds.length === 0) return;
  db.update(R)
    .set({ state: 'stopped', dueAt: null, stoppedAt: now, lastError: null, updatedAt: now })
    .where(and(inArray(R.orderId, [...orderIds]), eq(R.state, 'stopping')))
    .run();
}

/** A manual `tracking sync`: everything pending, registered or stopping is due now. */
export function makeDueNow(db: Db, now: number, orderId?: string): number {
  return db
    .update(R)
    .set({ dueAt: now })
    .where(and(inArray(R.state, ['pending', 'registered', 'stopping']), orderId ? eq(R.orderId, orderId) : undefined))
    .run().changes;
}

/** The carrier was corrected with the provider: ours follows, and the order's too. */
export function changeCarrier(db: Db, orderId: string, carrier: string, detected: string | null, now: number): void {
  db.transaction((tx) => {
    tx.update(R).set({ carrier, detectedCarrier: detected, updatedAt: now }).where(eq(R.orderId, orderId)).run();
    tx.update(orders).set({ carrier, updatedAt: now }).where(eq(orders.orderId, orderId)).run();
  });
}

export function registrationOf(db: Db, orderId: string): RegistrationRow | undefined {
  return db.select().from(R).where(eq(R.orderId, orderId)).get();
}

/** Registrations of these orders, by order id (for lists: at-risk, digest). */
export function registrationsOf(db: Db, orderIds: readonly string[]): Map<string, RegistrationRow> {
  const out = new Map<string, RegistrationRow>();
  for (let i = 0; i < orderIds.length; i += 500) {
    for (const row of db.select().from(R).where(inArray(R.orderId, orderIds.slice(i, i + 500))).all()) out.set(row.orderId, row);
  }
  return out;
}

/** The registered order a polled or pushed tracking number belongs to, for one provider. */
export function registrationsForNumbers(db: Db, provider: TrackingProviderName, numbers: readonly string[]): RegistrationRow[] {
  if (numbers.length === 0) return [];
  return db.select().from(R).where(and(eq(R.provider, provider), inArray(R.trackingNumber, [...numbers]))).all();
}

export interface RegistrationCount {
  provider: string;
  state: RegistrationState;
  count: number;
  /** The oldest due time among them (pending: how far behind registration is). */
  oldestDueAt: number | null;
}

/**
 * Counts per provider and state, from the counts the triggers keep (a handful
 * of rows, whatever the ledger's size); the oldest due time of each through
 * the due index.
 */
export function registrationCounts(db: Db): RegistrationCount[] {
  const C = trackingRegistrationCounts;
  const counts = db.select().from(C).where(sql`${C.n} > 0`).orderBy(C.provider, C.state).all();
  return counts.map((c) => ({
    provider: c.provider,
    state: c.state as RegistrationState,
    count: c.n,
    oldestDueAt:
      db
        .select({ at: R.dueAt })
        .from(R)
        .where(and(eq(R.provider, c.provider as TrackingProviderName), eq(R.state, c.state as RegistrationState), isNotNull(R.dueAt)))
        .orderBy(asc(R.dueAt))
        .limit(1)
        .get()?.at ?? null,
  }));
}

/** Which of these orders have a confirmed registration (a tracking feed). */
function registeredQuery(db: Db) {
  return db
    .select({ id: R.orderId })
    .from(R)
    .where(and(eq(R.orderId, sql.placeholder('orderId')), inArray(R.state, ['registered', 'stopping'])))
    .limit(1)
    .prepare();
}

/** Whether the order's parcel is registered with a provider (it has a feed): asked for every letter, prepared once. */
export function isRegistered(db: Db, orderId: string): boolean {
  return prepared(db, registeredQuery).get({ orderId }) !== undefined;
}

export function registeredAmong(db: Db, orderIds: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < orderIds.length; i += 500) {
    const rows = db
      .select({ id: R.orderId })
      .from(R)
      .where(and(inArray(R.orderId, orderIds.slice(i, i + 500)), inArray(R.state, ['registered', 'stopping'])))
      .all();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

/**
 * Registered parcels still without a first scan since before `registeredBefore`
 * (label printed, never handed over?), and rejected registrations of active
 * orders; oldest registration first. Two short paths instead of every active
 * order's registration: the never-scanned active orders (one range of the
 * stall index, led by the store when there is one), and the rejected rows
 * (per provider, one range of the due index).
 */
export function registrationsNeedingAttention(db: Db, registeredBefore: number, store?: string): Array<RegistrationRow & { store: string }> {
  const [index, ofStore, params] = store === undefined
    ? ['orders_state_stage_last_event_idx', '', []]
    : ['orders_store_state_stage_last_event_idx', 'o.store = ? AND ', [store]];
  const noScan = db.$client
    .prepare(
      `SELECT r.*, o.store AS store FROM orders o INDEXED BY ${index} CROSS JOIN tracking_registrations r ON r.order_id = o.order_id
       WHERE ${ofStore}o.state = 'active' AND o.stage_rank IN (${STAGE_RANKS}) AND o.last_event_at IS NULL
         AND r.state = 'registered' AND r.registered_at <= ? AND NOT EXISTS (SELECT 1 FROM tracking_events e WHERE e.order_id = r.order_id)`,
    )
    .all(...params, registeredBefore);
  const rejected = db.$client
    .prepare(
      `SELECT r.*, o.store AS store FROM tracking_registrations r INDEXED BY tracking_registrations_due_idx CROSS JOIN orders o ON o.order_id = r.order_id
       WHERE r.provider IN (${TRACKING_PROVIDERS.map((p) => `'${p}'`).join(', ')}) AND r.state = 'rejected' AND ${ofStore}o.state = 'active'`,
    )
    .all(...params);
  // Oldest first, as PostgreSQL's twin lists them (text compared as bytes on both).
  return [...noScan, ...rejected]
    .map((row) => camelRow(row) as RegistrationRow & { store: string })
    .sort((a, b) => a.createdAt - b.createdAt || Buffer.compare(Buffer.from(a.orderId), Buffer.from(b.orderId)));
}

/** Every stage rank an order can have (the stall index's second column), so a range of it reads the whole state. */
const STAGE_RANKS = '0, 1, 2, 3, 4, 5';

export interface ProviderPause {
  until: number;
  reason: string;
}

const pauseKey = (provider: TrackingProviderName) => `tracking.pause.${provider}`;

/** A provider paused (quota exhausted, rate limited) until a time; null when it is not. */
export function providerPause(db: Db, provider: TrackingProviderName): ProviderPause | null {
  const row = db.select().from(meta).where(eq(meta.key, pauseKey(provider))).get();
  return row ? (JSON.parse(row.value) as ProviderPause) : null;
}

export function pauseProvider(db: Db, provider: TrackingProviderName, pause: ProviderPause): void {
  const value = JSON.stringify(pause);
  db.insert(meta).values({ key: pauseKey(provider), value }).onConflictDoUpdate({ target: meta.key, set: { value } }).run();
}

export function resumeProvider(db: Db, provider: TrackingProviderName): boolean {
  return db.delete(meta).where(eq(meta.key, pauseKey(provider))).run().changes > 0;
}
