import type { Config, TrackingProviderChoice } from '../config/config.js';
import type { TrackingChoice } from '../domain/tracking-providers.js';
import { aftershipProvider } from './aftership.js';
import type { TrackingProvider } from './provider.js';
import { seventeenTrackProvider } from './seventeen-track.js';
import { trackingMoreProvider } from './trackingmore.js';

/** The provider that registers a store's parcels: the store's own choice, else POSTSHIP_TRACKING. */
export function providerForStore(config: Pick<Config, 'tracking' | 'file'>, store: string): TrackingProviderChoice | null {
  const own = Object.hasOwn(config.file.stores, store) ? config.file.stores[store].tracking : undefined;
  if (own === 'none') return null;
  return own ?? config.tracking.provider;
}

/** Every provider some store (or the default) registers with. */
export function providersInUse(config: Pick<Config, 'tracking' | 'file'>): TrackingProviderChoice[] {
  const used = new Set<TrackingProviderChoice>();
  if (config.tracking.provider) used.add(config.tracking.provider);
  for (const identity of Object.values(config.file.stores)) if (identity.tracking && identity.tracking !== 'none') used.add(identity.tracking);
  return [...used];
}

/** What order entry needs: absent when no store tracks through a provider, so nothing is written. */
export function trackingChoice(config: Pick<Config, 'tracking' | 'file'>): TrackingChoice | undefined {
  if (providersInUse(config).length === 0) return undefined;
  return { providerFor: (order) => providerForStore(config, order.store), pollAfterMs: config.tracking.pollAfterMs };
}

export function createProvider(config: Pick<Config, 'tracking'>, name: TrackingProviderChoice): TrackingProvider {
  const { apiKey, apiUrl } = config.tracking.apis[name];
  // Config validation guarantees the key of a provider in use.
  const key = apiKey ?? '';
  if (name === '17track') return seventeenTrackProvider({ apiKey: key, apiUrl });
  if (name === 'aftership') return aftershipProvider({ apiKey: key, apiUrl });
  return trackingMoreProvider({ apiKey: key, apiUrl });
}

/**
 * The API clients the sync drives, one per provider (each paces its own
 * calls): every provider in use, and any other whose key is set, so the
 * parcels a store registered before switching provider are still polled
 * and stopped.
 */
export function trackingProviders(config: Pick<Config, 'tracking' | 'file'>): Map<TrackingProviderChoice, TrackingProvider> {
  const names = new Set(providersInUse(config));
  for (const [name, api] of Object.entries(config.tracking.apis) as Array<[TrackingProviderChoice, { apiKey: string | null }]>) if (api.apiKey) names.add(name);
  return new Map([...names].map((name) => [name, createProvider(config, name)]));
}
