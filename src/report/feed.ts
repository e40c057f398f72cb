import type { RegistrationRow } from '../store/registrations.js';

/**
 * Whether postship hears about this parcel: `tracking` (events arrive),
 * `registered` (a provider tracks it, no scan yet), `registering` (waiting
 * for the provider to accept it), `no feed` (no provider, or it refused the number).
 */
export type Feed = 'tracking' | 'registered' | 'registering' | 'no feed';

export function feedOf(registration: Pick<RegistrationRow, 'state'> | undefined, hasEvents: boolean): Feed {
  if (hasEvents) return 'tracking';
  if (!registration || registration.state === 'rejected') return 'no feed';
  if (registration.state === 'pending') return 'registering';
  return 'registered';
}

/** The registration as `status` and the API show it. */
export function registrationView(row: RegistrationRow | undefined) {
  if (!row) return null;
  return {
    provider: row.provider,
    state: row.state,
    carrier: row.carrier,
    detectedCarrier: row.detectedCarrier,
    providerId: row.providerId,
    attempts: row.attempts,
    lastError: row.lastError,
    registeredAt: row.registeredAt === null ? null : new Date(row.registeredAt).toISOString(),
    lastPushAt: row.lastPushAt === null ? null : new Date(row.lastPushAt).toISOString(),
    lastPollAt: row.lastPollAt === null ? null : new Date(row.lastPollAt).toISOString(),
    /** pending: next attempt; registered: next poll; stopping: next stop attempt. */
    nextAt: row.dueAt === null || row.dueAt > 8.64e15 ? null : new Date(row.dueAt).toISOString(),
    stoppedAt: row.stoppedAt === null ? null : new Date(row.stoppedAt).toISOString(),
  };
}
