import { DateTime } from 'luxon';
import type { z } from 'zod';
import { OUTCOME_RANK, type NormalizedEvent, type TrackingOutcome } from '../domain/tracking-status.js';

/** What a provider adapter makes of a parsed, signature-checked payload. Pure. */
export type AdapterResult =
  | { kind: 'events'; events: NormalizedEvent[] }
  /** Well-formed but carries no tracking status (e.g. AfterShip `edd_revise`): acknowledged, not stored. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; problems: string[] };

export type Adapter = (payload: unknown) => AdapterResult;

export function invalid(error: z.ZodError): AdapterResult {
  return {
    kind: 'invalid',
    problems: error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`),
  };
}

/**
 * A provider time as a UTC ISO instant. Carrier-local times without an offset
 * are read as UTC: wrong by a few hours at most, and storage clamps the future.
 */
const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export function toUtcIso(time: string | number | null | undefined): string | null {
  if (time === null || time === undefined || time === '') return null;
  // The common zoned form without luxon: this runs for every checkpoint of every webhook.
  if (typeof time === 'string' && ZONED_ISO.test(time)) {
    const ms = Date.parse(time);
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  const parsed =
    typeof time === 'number' ? DateTime.fromSeconds(time, { zone: 'utc' }) : DateTime.fromISO(time, { zone: 'utc' });
  return parsed.isValid ? parsed.toUTC().toISO() : null;
}

function rank(outcome: TrackingOutcome | null): number {
  return outcome ? OUTCOME_RANK[outcome] : -1;
}

/**
 * Whether a history scan goes further than the current status: only those can
 * be kept, so adapters skip the rest before normalizing their times.
 */
export function advances(current: TrackingOutcome | null, outcome: TrackingOutcome | null): boolean {
  return rank(outcome) > Math.max(rank(current), 0);
}

/**
 * Payloads repeat the whole history, and a carrier's batch of scans yields one
 * webhook for the latest only, so a customs scan can hide behind a later
 * "departed". The furthest-stage event of the history is kept when it goes
 * further than the current status; its dedup key comes from the scan itself,
 * so replays of the same history store nothing new.
 */
export function furthestHistoryEvent(current: TrackingOutcome | null, history: NormalizedEvent[]): NormalizedEvent | null {
  let best: NormalizedEvent | null = null;
  for (const event of history) {
    if (!advances(current, event.outcome)) continue;
    if (!best || rank(event.outcome) > rank(best.outcome)) best = event;
    else if (rank(event.outcome) === rank(best.outcome) && (event.occurredAt ?? '') > (best.occurredAt ?? '')) best = event;
  }
  return best;
}

/** The primary event, then the history event if any, without two of one dedup key. */
export function withHistory(primary: NormalizedEvent, history: NormalizedEvent[]): NormalizedEvent[] {
  const extra = furthestHistoryEvent(primary.outcome, history);
  return extra && extra.dedupKey !== primary.dedupKey ? [extra, primary] : [primary];
}
