import type { Order } from './order.js';

/** The tracking providers postship registers parcels with and hears from. */
export const TRACKING_PROVIDERS = ['17track', 'aftership', 'trackingmore'] as const;
export type TrackingProviderName = (typeof TRACKING_PROVIDERS)[number];

/**
 * `pending` waits to be registered; `registered` is tracked (pushed and
 * polled); `stopping` is registered but its order is finished, so the
 * provider is told to stop; `stopped` and `rejected` are final.
 */
export const REGISTRATION_STATES = ['pending', 'registered', 'stopping', 'stopped', 'rejected'] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

/** Which tracking provider registers an order's parcel (POSTSHIP_TRACKING, or the store's `tracking`). */
export interface TrackingChoice {
  /** null: no provider registers it (webhooks may still bring its events). */
  providerFor(order: Pick<Order, 'store'>): TrackingProviderName | null;
  /** A registered parcel without a push for this long is polled. */
  pollAfterMs: number;
}
