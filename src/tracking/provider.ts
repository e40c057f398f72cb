import type { NormalizedEvent } from '../domain/tracking-status.js';
import type { TrackingProviderName } from '../domain/tracking-providers.js';

/** A parcel as a provider's API needs it. */
export interface Parcel {
  orderId: string;
  trackingNumber: string;
  /** postship carrier code. */
  carrier: string;
  /** The provider's id for it, once registered (AfterShip, TrackingMore). */
  providerId?: string | null;
  buyer?: { name: string; email: string; locale: string };
  country?: string;
  /** The order is cancelled (AfterShip marks it completed rather than delivered). */
  cancelled?: boolean;
}

/** What the provider said about one number. */
export type ItemOutcome =
  | { ok: true; providerId?: string | null; detectedCarrier?: string | null }
  /** `final`: never retried (cannot detect the carrier, invalid number); otherwise tried again later. */
  | { ok: false; final: boolean; error: string };

/** One polled parcel: its history as events (through the same adapters as a push) and what the provider knows. */
export interface PolledParcel {
  trackingNumber: string;
  events: NormalizedEvent[];
  /** The raw item, stored with the events it yielded. */
  raw: string;
  providerId?: string | null;
  detectedCarrier?: string | null;
}

export interface ProviderCheck {
  ok: boolean;
  detail: string;
  /** Registrations left, where the provider tells. */
  quotaLeft?: number | null;
}

/**
 * A tracking provider's API, as postship uses it. Every method throws
 * ProviderUnavailable (wait and repeat), ProviderUnauthorized (bad key) or
 * ProviderQuotaExhausted (pause registration) for whole-request failures.
 */
export interface TrackingProvider {
  name: TrackingProviderName;
  /** Most numbers per call, by operation. */
  batch: { register: number; poll: number; stop: number };
  /** check() reports the quota left, at no cost (17TRACK getquota). */
  tellsQuota: boolean;
  register(parcels: Parcel[]): Promise<Map<string, ItemOutcome>>;
  poll(parcels: Parcel[]): Promise<PolledParcel[]>;
  /** Stops tracking finished parcels; numbers the provider no longer knows count as stopped. */
  stop(parcels: Parcel[]): Promise<Map<string, ItemOutcome>>;
  changeCarrier(parcel: Parcel, carrier: string): Promise<ItemOutcome>;
  /** One cheap authenticated call: is the key valid, how much quota is left. */
  check(): Promise<ProviderCheck>;
}
