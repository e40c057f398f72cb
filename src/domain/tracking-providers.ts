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
