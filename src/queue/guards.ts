import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RuntimeError } from '../domain/errors.js';
import { readRedisFacts } from './redis.js';

/**
 * A queue Redis must never evict keys: an evicted job is a reminder lost
 * (reconcile would bring it back, but only later). Without persistence a
 * restart loses every queued job until reconcile runs: allowed, but worth a warning.
 */
export async function assertRedisFitForQueue(redis: Redis, logger: Logger): Promise<void> {
  const facts = await readRedisFacts(redis);
  if (facts.maxmemoryPolicy !== 'noeviction') {
    throw new RuntimeError(
      'redis_eviction_policy',
      `Redis maxmemory-policy is "${facts.maxmemoryPolicy}"; queued jobs could be evicted`,
      'Set it with `redis-cli CONFIG SET maxmemory-policy noeviction` (and `maxmemory-policy noeviction` in redis.conf).',
    );
  }
  if (!facts.persistence) {
    logger.warn(
      { redisVersion: facts.version },
      'Redis has no persistence (no RDB save, no AOF): after a restart, reconcile re-creates queued jobs from the ledger. Consider `appendonly yes`.',
    );
  }
}
