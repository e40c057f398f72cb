import { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL } from '../config/config.js';
import { startEphemeralRedis, type EphemeralRedis } from './ephemeral-redis.js';


async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {}); // a refused connection is the expected "no" here
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * For the demo and benchmarks: REDIS_URL when set; else a Redis already on
 * 127.0.0.1:6379; else a private throw-away redis-server.
 */
export async function resolveRedisForDemo(redisUrl: string | null): Promise<{ url: string; ephemeral: EphemeralRedis | null }> {
  if (redisUrl) return { url: redisUrl, ephemeral: null };
  if (await answers(DEFAULT_REDIS_URL)) return { url: DEFAULT_REDIS_URL, ephemeral: null };
  const ephemeral = await startEphemeralRedis();
  return { url: ephemeral.url, ephemeral };
}
