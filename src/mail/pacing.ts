/**
 * Pacing: at most N messages per recipient domain per interval, at most a cap
 * per store per UTC day. Nothing is ever dropped: a message over a limit gets
 * a time to go (a reserved slot), and the worker delays its job until then.
 *
 * The rate is a GCRA reservation in Redis (one key per domain holding the
 * theoretical arrival time): the first `count` messages go at once, the rest
 * are spaced one interval apart, each told its own slot, so deferred jobs do
 * not all wake together. A 421/450/451 from a domain doubles that domain's
 * interval (up to 32x, for 15 minutes) and pauses it briefly; other domains
 * are untouched.
 */
import type { Redis } from 'ioredis';

/** A rate: `count` messages per `perMs` (read from POSTSHIP_DOMAIN_RATES by config/deliverability.ts). */
export interface Rate {
  count: number;
  perMs: number;
}

export interface PacingConfig {
  /** Per recipient domain (lower case); `*` applies to every other domain. */
  domains: Record<string, Rate>;
  /** At most this many messages per store per UTC day; null = no cap (POSTSHIP_DAILY_CAP). */
  dailyCap: number | null;
  /** A store's own cap (`stores.<id>.dailyCap`), instead of dailyCap. */
  storeCaps: Record<string, number>;
  /** How long a domain that answered 421/450/451 pauses, per level of slow-down (POSTSHIP_THROTTLE_PAUSE). */
  throttlePauseMs: number;
}

const RESERVE = `
local now = tonumber(ARGV[1])
local existing = redis.call('GET', KEYS[4])
if existing then
  local at = tonumber(existing)
  if now + 50 >= at then redis.call('DEL', KEYS[4]) return {0, 'slot'} end
  return {at, 'rate'}
end
local cap = tonumber(ARGV[4])
if cap > 0 then
  local n = redis.call('INCR', KEYS[3])
  if n == 1 then redis.call('PEXPIRE', KEYS[3], 2 * 86400000) end
  if n > cap then
    redis.call('DECR', KEYS[3])
    return {tonumber(ARGV[5]), 'cap'}
  end
end
local interval = tonumber(ARGV[2])
local level = tonumber(redis.call('GET', KEYS[2]) or '0')
if interval <= 0 then
  -- No limit for this domain, unless it has been throttling us: then one a second, slowed down from there.
  if level == 0 then return {0, 'free'} end
  interval = 1000
end
local iv = interval * (2 ^ level)
local burst = iv * (tonumber(ARGV[3]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local slot = tat - burst
if slot < now then slot = now end
redis.call('SET', KEYS[1], tostring(tat + iv), 'PX', math.ceil(tat + iv - now + iv))
if slot <= now then return {0, 'rate'} end
redis.call('SET', KEYS[4], tostring(slot), 'PX', math.ceil(slot - now + 3600000))
return {slot, 'rate'}
`;

const SLOW_DOWN = `
local now = tonumber(ARGV[1])
-- One step per pause: the 421s of one burst of concurrent sends are one signal, not ten.
local level = tonumber(redis.call('GET', KEYS[2]) or '0')
if redis.call('SET', KEYS[3], '1', 'NX', 'PX', tonumber(ARGV[2])) then
  level = level + 1
  if level > 5 then level = 5 end
end
redis.call('SET', KEYS[2], tostring(level), 'PX', tonumber(ARGV[3]))
local pause = now + tonumber(ARGV[2]) * level
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < pause then redis.call('SET', KEYS[1], tostring(pause), 'PX', math.ceil(pause - now + 60000)) end
return level
`;

/** How long a slow-down lasts after the domain's last 421/450/451 (the Lua script's PEXPIRE). */
const SLOW_DOWN_MS = 900_000;

export interface PaceDecision {
  /** Epoch ms to try again, or null: go now. */
  at: number | null;
  reason: 'rate' | 'cap' | null;
}

export interface Pacer {
  /** Reserves this send's turn; the caller delays the job to `at` when it is not now. */
  reserve(input: { sendId: number; email: string; store: string; now: number }): Promise<PaceDecision>;
  /** The domain answered 421/450/451: slow it down (and only it). */
  throttled(email: string, now: number): Promise<void>;
  /** The rate that applies to a domain, for logs and the README. */
  rateFor(domain: string): Rate | null;
}

export function recipientDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** The next UTC midnight after `now`, plus up to an hour, so a capped backlog does not all wake at 00:00. */
function nextUtcDay(now: number): number {
  const day = Math.floor(now / 86_400_000) + 1;
  return day * 86_400_000 + Math.floor(Math.random() * 3_600_000);
}

type PacingRedis = Redis & {
  postshipReserve(k1: string, k2: string, k3: string, k4: string, ...args: Array<string | number>): Promise<[number, string]>;
  postshipSlowDown(k1: string, k2: string, k3: string, ...args: Array<string | number>): Promise<number>;
};

export function createPacer(redis: Redis, config: PacingConfig, prefix: string): Pacer {
  const client = redis as PacingRedis;
  if (typeof client.postshipReserve !== 'function') {
    redis.defineCommand('postshipReserve', { numberOfKeys: 4, lua: RESERVE });
    redis.defineCommand('postshipSlowDown', { numberOfKeys: 3, lua: SLOW_DOWN });
  }
  const rateFor = (domain: string): Rate | null => config.domains[domain] ?? config.domains['*'] ?? null;
  const key = (...parts: Array<string | number>) => `${prefix}:pace:${parts.join(':')}`;
  // Domains that throttled this process lately: an unlimited domain costs no Redis round trip otherwise.
  const throttledUntil = new Map<string, number>();
  return {
    rateFor,
    async reserve({ sendId, email, store, now }) {
      const domain = recipientDomain(email);
      const rate = rateFor(domain);
      const cap = config.storeCaps[store] ?? config.dailyCap;
      if (!rate && cap === null && (throttledUntil.get(domain) ?? 0) < now) return { at: null, reason: null };
      const day = Math.floor(now / 86_400_000);
      const [at, reason] = await client.postshipReserve(
        key('tat', domain), key('slow', domain), key('cap', store, day), key('slot', sendId),
        now, rate ? rate.perMs / rate.count : 0, rate?.count ?? 1, cap ?? 0, nextUtcDay(now),
      );
      return at > 0 ? { at, reason: reason === 'cap' ? 'cap' : 'rate' } : { at: null, reason: null };
    },
    async throttled(email, now) {
      const domain = recipientDomain(email);
      throttledUntil.set(domain, now + SLOW_DOWN_MS);
      await client.postshipSlowDown(key('tat', domain), key('slow', domain), key('slowlock', domain), now, config.throttlePauseMs, SLOW_DOWN_MS);
    },
  };
}
