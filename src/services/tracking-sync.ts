import type { Logger } from 'pino';
import { type RegistrationRow, type RegistrationState, type TrackingProviderName } from '../store/registrations.js';
import { ProviderQuotaExhausted, ProviderUnauthorized, ProviderUnavailable } from '../tracking/http.js';
import type { ItemOutcome, Parcel, TrackingProvider } from '../tracking/provider.js';
import type { OrderServiceDeps } from './orders.js';
import { applyStoredEvent } from './tracking.js';

/**
 * The tracking loop's work for one tick, per provider: register pending
 * parcels (the outbox), poll registered ones that had no push for a while,
 * and stop finished ones. Every step claims its rows first, so overlapping
 * syncs and other processes never do the same work twice, and a sync killed
 * mid-call leaves the rows to be tried again (the providers treat a repeated
 * registration as "already registered", which counts as success).
 */

export interface TrackingSyncDeps extends OrderServiceDeps {
  providers: ReadonlyMap<TrackingProviderName, TrackingProvider>;
  pollAfterMs: number;
  logger: Logger;
  observe?: TrackingObserver;
  /** How long a dead process's claim on rows keeps others off them (POSTSHIP_CLAIM_LEASE, 20 s to 2 min). */
  claimLeaseMs?: number;
}

/** Metrics hooks (src/metrics.ts), so the sync itself stays free of prom-client. */
export interface TrackingObserver {
  registration(provider: string, outcome: 'registered' | 'rejected' | 'deferred' | 'quota' | 'unauthorized'): void;
  poll(provider: string, parcels: number, lagMs: number): void;
  events(source: 'push' | 'poll', n: number): void;
  stopped(provider: string, n: number): void;
  /** Registrations left with the provider, where it tells. */
  quota?(provider: string, left: number): void;
}

export interface ProviderReport {
  provider: TrackingProviderName;
  registered: number;
  rejected: number;
  deferred: number;
  polled: number;
  /** New events the polls brought (duplicates of pushed or earlier polled scans not counted). */
  events: number;
  stopped: number;
  /** Why this provider's work stopped early this tick, if it did. */
  paused: string | null;
}

export interface SyncReport {
  providers: ProviderReport[];
  /** Events that scheduled a message: the caller promotes when > 0. */
  scheduled: number;
}

export interface SyncOptions {
  /** `postship tracking sync`: everything due now, pauses and back-offs ignored. */
  force?: boolean;
  orderId?: string;
  /** Stop starting new calls after this long; the next tick carries on (default 25 s). */
  budgetMs?: number;
}

/**
 * A claim's lease: rows in a call are not taken by another sync for this
 * long. Longer than one provider call can take (15 s), at most 2 minutes.
 */
export function trackingLeaseMs(claimLeaseMs = 2 * 60_000): number {
  return Math.min(2 * 60_000, Math.max(20_000, claimLeaseMs));
}
const MAX_BACKOFF_MS = 6 * 3600_000;
/** TrackingMore asks for 120 s after a 429; others say Retry-After. */
const DEFAULT_RATE_PAUSE_MS = 60_000;
const QUOTA_PAUSE_MS = 3600_000;
const UNAUTHORIZED_PAUSE_MS = 10 * 60_000;

/** Exponential back-off from 30 s, with jitter, capped at 6 h. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** Math.min(attempts, 12));
  return Math.round(base * (0.75 + random() * 0.5));
}

async function parcelOf(deps: OrderServiceDeps, row: RegistrationRow): Promise<Parcel> {
  const order = await deps.ledger.getOrder(row.orderId);
  return {
    orderId: row.orderId,
    trackingNumber: row.trackingNumber,
    carrier: row.carrier,
    providerId: row.providerId,
    buyer: order ? { name: order.buyerName, email: order.buyerEmail, locale: order.buyerLocale } : undefined,
    country: order?.country,
    cancelled: order?.state === 'cancelled',
  };
}

function parcelsOf(deps: OrderServiceDeps, rows: readonly RegistrationRow[]): Promise<Parcel[]> {
  return Promise.all(rows.map((row) => parcelOf(deps, row)));
}

export async function syncTracking(deps: TrackingSyncDeps, options: SyncOptions = {}): Promise<SyncReport> {
  const started = Date.now();
  const budget = options.budgetMs ?? 25_000;
  const now = () => deps.clock.now().toMillis();
  if (options.force) await deps.ledger.makeDueNow(now(), options.orderId);
  const report: SyncReport = { providers: [], scheduled: 0 };
  // Providers run side by side: each keeps to its own rate limit.
  await Promise.all(
    [...deps.providers.values()].map(async (provider) => {
      const r: ProviderReport = { provider: provider.name, registered: 0, rejected: 0, deferred: 0, polled: 0, events: 0, stopped: 0, paused: null };
      report.providers.push(r);
      const inBudget = () => Date.now() - started < budget;
      let pause = await deps.ledger.providerPause(provider.name);
      // Where the provider tells its quota (17TRACK getquota, free), look now and then: the gauge, and an early end to a quota pause.
      // (Not for a manual sync: it ignores pauses anyway, and should make only the calls it is asked for.)
      // Only for a provider with parcels waiting to register: a key set for webhooks alone makes no calls.
      const waiting = (await deps.ledger.dueRegistrations(provider.name, 'pending', Number.MAX_SAFE_INTEGER, 1)).length > 0;
      const left = options.force || !waiting ? null : await quotaLeft(deps, provider);
      if (left !== null && left > 0 && pause?.reason.startsWith('quota')) {
        await deps.ledger.resumeProvider(provider.name);
        deps.logger.info({ provider: provider.name, quotaLeft: left }, 'tracking registration resumed: the provider quota is back');
        pause = null;
      }
      if (pause && pause.until > now() && pause.reason.startsWith('rate') && !options.force) {
        r.paused = `${pause.reason} until ${new Date(pause.until).toISOString()}`;
        return;
      }
      // A used-up quota stops registration only: polls and stops cost none.
      const registrationPaused = pause !== null && pause.until > now() && !options.force;
      if (registrationPaused && pause) r.paused = `${pause.reason} until ${new Date(pause.until).toISOString()}`;
      else if (pause) await deps.ledger.resumeProvider(provider.name);
      const steps: Array<[RegistrationState, BatchStep]> = [
        ['pending', registerBatch],
        ['registered', (d, p, rows, rep) => pollBatch(d, p, rows, rep, report)],
        ['stopping', stopBatch],
      ];
      for (const [state, step] of steps) {
        if (state === 'pending' && registrationPaused) continue;
        try {
          await drain(deps, provider, state, r, inBudget, options.orderId, step);
        } catch (err) {
          r.paused = await onProviderFailure(deps, provider.name, err);
          if (!(err instanceof ProviderQuotaExhausted)) break;
        }
      }
    }),
  );
  return report;
}

type BatchStep = (deps: TrackingSyncDeps, provider: TrackingProvider, rows: RegistrationRow[], report: ProviderReport) => Promise<void>;

/** Claims due rows of one state in provider-sized batches and hands them to `step` until none are due or the budget is spent. */
async function drain(
  deps: TrackingSyncDeps,
  provider: TrackingProvider,
  state: RegistrationState,
  report: ProviderReport,
  inBudget: () => boolean,
  orderId: string | undefined,
  step: BatchStep,
): Promise<void> {
  const size = state === 'pending' ? provider.batch.register : state === 'registered' ? provider.batch.poll : provider.batch.stop;
  while (inBudget()) {
    const at = deps.clock.now().toMillis();
    const rows = await deps.ledger.claimDue(provider.name, state, at, size, at + trackingLeaseMs(deps.claimLeaseMs), orderId);
    if (rows.length === 0) return;
    try {
      await step(deps, provider, rows, report);
    } catch (err) {
      // Nothing was done for these rows: they wait (with back-off) and are tried again.
      const message = (err as Error).message;
      const wait = err instanceof ProviderUnavailable && err.retryAfterMs !== null ? err.retryAfterMs : backoffMs(Math.max(...rows.map((x) => x.attempts)));
      const partial = (err as { partial?: Map<string, ItemOutcome> }).partial;
      if (partial && state === 'pending') await applyRegistrations(deps, provider, rows.filter((x) => partial.has(x.trackingNumber.toUpperCase())), partial, report);
      const untouched = rows.filter((x) => !partial?.has(x.trackingNumber.toUpperCase()));
      const retryAt = err instanceof ProviderQuotaExhausted ? Number.MAX_SAFE_INTEGER : deps.clock.now().toMillis() + wait;
      // A quota pause keeps the rows due: they go as soon as the pause lifts.
      await deps.ledger.deferRegistrations(untouched.map((x) => x.orderId), state, message, err instanceof ProviderQuotaExhausted ? at : retryAt, deps.clock.now().toMillis());
      if (state === 'pending') {
        report.deferred += untouched.length;
        deps.observe?.registration(provider.name, err instanceof ProviderQuotaExhausted ? 'quota' : err instanceof ProviderUnauthorized ? 'unauthorized' : 'deferred');
      }
      throw err;
    }
    if (rows.length < size) return;
  }
}

async function applyRegistrations(deps: TrackingSyncDeps, provider: TrackingProvider, rows: RegistrationRow[], outcomes: Map<string, ItemOutcome>, report: ProviderReport): Promise<void> {
  const now = deps.clock.now().toMillis();
  const missing: RegistrationRow[] = [];
  await deps.ledger.transaction(async (ledger) => {
    for (const row of rows) {
      const outcome = outcomes.get(row.trackingNumber.toUpperCase());
      if (!outcome) missing.push(row);
      else if (outcome.ok) {
        await ledger.markRegistered(row.orderId, { providerId: outcome.providerId, detectedCarrier: outcome.detectedCarrier === row.carrier ? null : outcome.detectedCarrier }, now, deps.pollAfterMs);
        report.registered += 1;
        deps.observe?.registration(provider.name, 'registered');
      } else if (outcome.final) {
        await ledger.markRejected(row.orderId, outcome.error, now);
        report.rejected += 1;
        deps.observe?.registration(provider.name, 'rejected');
        deps.logger.warn({ orderId: row.orderId, trackingNumber: row.trackingNumber, provider: provider.name, error: outcome.error }, 'tracking registration rejected');
      } else {
        await ledger.deferRegistrations([row.orderId], 'pending', outcome.error, now + backoffMs(row.attempts), now);
        report.deferred += 1;
        deps.observe?.registration(provider.name, 'deferred');
      }
    }
    for (const row of missing) await ledger.deferRegistrations([row.orderId], 'pending', `${provider.name} did not answer for this number`, now + backoffMs(row.attempts), now);
  });
  report.deferred += missing.length;
}

const registerBatch: BatchStep = async (deps, provider, rows, report) => {
  const outcomes = await provider.register(await parcelsOf(deps, rows));
  await applyRegistrations(deps, provider, rows, outcomes, report);
};

/** Polled histories go through the same store → dedup → apply path as a push. */
async function pollBatch(deps: TrackingSyncDeps, provider: TrackingProvider, rows: RegistrationRow[], report: ProviderReport, sync: SyncReport): Promise<void> {
  const claimedAt = deps.clock.now().toMillis();
  const lag = Math.max(0, ...rows.map((row) => claimedAt - (row.lastPollAt ?? row.lastPushAt ?? row.registeredAt ?? claimedAt) - deps.pollAfterMs));
  const polled = await provider.poll(await parcelsOf(deps, rows));
  const now = deps.clock.now().toMillis();
  const byNumber = new Map(polled.map((p) => [p.trackingNumber.toUpperCase(), p]));
  const stored: number[] = [];
  await deps.ledger.transaction(async (ledger) => {
    for (const row of rows) {
      const parcel = byNumber.get(row.trackingNumber.toUpperCase());
      if (parcel && parcel.events.length > 0) {
        for (const result of await ledger.recordTrackingEvents(parcel.events, parcel.raw, now, 'poll')) if (result.stored) stored.push(result.id);
      }
      const detected = parcel?.detectedCarrier && parcel.detectedCarrier !== row.carrier ? parcel.detectedCarrier : null;
      await ledger.markPolled(row.orderId, { providerId: parcel?.providerId, detectedCarrier: detected }, now, deps.pollAfterMs);
    }
  });
  // Oldest scan first, as the pending-event sweep does: a stage is never applied after a later one.
  for (const id of stored) if ((await applyStoredEvent(deps, id)).startsWith('scheduled')) sync.scheduled += 1;
  report.polled += rows.length;
  report.events += stored.length;
  deps.observe?.poll(provider.name, rows.length, lag);
  if (stored.length > 0) deps.observe?.events('poll', stored.length);
}

const stopBatch: BatchStep = async (deps, provider, rows, report) => {
  const outcomes = await provider.stop(await parcelsOf(deps, rows));
  const now = deps.clock.now().toMillis();
  const done = rows.filter((row) => outcomes.get(row.trackingNumber.toUpperCase())?.ok === true);
  await deps.ledger.markStopped(done.map((row) => row.orderId), now);
  for (const row of rows) {
    const outcome = outcomes.get(row.trackingNumber.toUpperCase());
    if (outcome?.ok) continue;
    const error = outcome && !outcome.ok ? outcome.error : `${provider.name} did not answer for this number`;
    // A stop the provider refuses for good is left: the parcel is finished for us either way.
    if (outcome && !outcome.ok && outcome.final) await deps.ledger.markStopped([row.orderId], now);
    else await deps.ledger.deferRegistrations([row.orderId], 'stopping', error, now + backoffMs(row.attempts), now);
  }
  report.stopped += done.length;
  if (done.length > 0) deps.observe?.stopped(provider.name, done.length);
};

const QUOTA_CHECK_EVERY_MS = 10 * 60_000;
const lastQuotaCheck = new WeakMap<TrackingProvider, { at: number; left: number | null }>();

/** The provider's quota left, asked at most every 10 minutes per process (null: it does not tell, or the check failed). */
async function quotaLeft(deps: TrackingSyncDeps, provider: TrackingProvider): Promise<number | null> {
  const last = lastQuotaCheck.get(provider);
  if (last && Date.now() - last.at < QUOTA_CHECK_EVERY_MS) return last.left;
  let left: number | null = null;
  if (provider.tellsQuota) {
    try {
      left = (await provider.check()).quotaLeft ?? null;
      if (left !== null) deps.observe?.quota?.(provider.name, left);
    } catch {
      left = null; // the sync itself reports what is wrong with the provider
    }
  }
  lastQuotaCheck.set(provider, { at: Date.now(), left });
  return left;
}

/** Pauses a provider after a whole-request failure; returns what the report says. */
async function onProviderFailure(deps: TrackingSyncDeps, provider: TrackingProviderName, err: unknown): Promise<string> {
  const now = deps.clock.now().toMillis();
  if (err instanceof ProviderQuotaExhausted) {
    const until = now + (err.retryAfterMs ?? QUOTA_PAUSE_MS);
    await deps.ledger.pauseProvider(provider, { until, reason: `quota: ${err.message}` });
    deps.logger.warn({ provider, until: new Date(until).toISOString(), err: err.message }, 'tracking registration paused: the provider quota is used up; it resumes by itself');
    return `quota: ${err.message}`;
  }
  if (err instanceof ProviderUnavailable) {
    const wait = err.retryAfterMs ?? (provider === 'trackingmore' && err.status === 429 ? 120_000 : DEFAULT_RATE_PAUSE_MS);
    await deps.ledger.pauseProvider(provider, { until: now + wait, reason: `rate: ${err.message}` });
    deps.logger.warn({ provider, waitMs: wait, err: err.message }, 'tracking provider unavailable; waiting before the next call');
    return `rate: ${err.message}`;
  }
  if (err instanceof ProviderUnauthorized) {
    await deps.ledger.pauseProvider(provider, { until: now + UNAUTHORIZED_PAUSE_MS, reason: `rate: ${err.message}` });
    deps.logger.error({ provider, err: err.message }, 'tracking provider refused the API key');
    return `unauthorized: ${err.message}`;
  }
  deps.logger.error({ provider, err: (err as Error).message }, 'tracking sync failed');
  return `error: ${(err as Error).message}`;
}
