import { storeConfig, type ConfigFile } from '../config/config-file.js';
import { resolveProfile, type Profile, type ProfileResolver, type StoreIdentity } from '../domain/profile.js';

export type { ProfileResolver };

/** Resolves profiles from the config file, memoized per (carrier, country, store). */
export function profileResolver(file: ConfigFile): ProfileResolver {
  const cache = new Map<string, Profile>();
  return ({ carrier, country, store }) => {
    const key = `${carrier}|${country}|${store}`;
    let profile = cache.get(key);
    if (!profile) {
      profile = resolveProfile({ carrier, country, store }, file.defaults, file.profiles, storeConfig(file, store));
      cache.set(key, profile);
    }
    return profile;
  };
}

export function storeIdentity(file: ConfigFile, store: string): StoreIdentity | undefined {
  return storeConfig(file, store);
}
