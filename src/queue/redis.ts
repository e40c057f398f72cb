import { Redis, type RedisOptions } from 'ioredis';
import { RuntimeError } from '../domain/errors.js';
import { redactUserinfo } from '../domain/redact.js';

export function redactRedisUrl(url: string): string {
  return redactUserinfo(url);
}

/**
 * Opens a Redis connection. Workers wait out an outage (BullMQ needs
 * `maxRetriesPerRequest: null`); short-lived commands (CLI, producers) fail fast.
 */
export function connectRedis(url: string, mode: 'worker' | 'command'): Redis {
  const options: RedisOptions =
    mode === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: (n) => (n > 3 ? null : 200 * n) };
  const redis = new Redis(url, { ...options, lazyConnect: true });
  // Errors surface through commands; an unhandled 'error' event would crash the process.
  redis.on('error', () => {});
  return redis;
}

export function redisUnavailable(url: string, err: unknown): RuntimeError {
  return new RuntimeError(
    'redis_unavailable',
    `Redis at ${redactRedisUrl(url)} is not reachable (${(err as Error)?.message ?? err})`,
    'Start redis-server, or set REDIS_URL to a reachable server (e.g. redis://127.0.0.1:6379).',
    { cause: err },
  );
}

/** Connects and pings once, turning failure into one clear RuntimeError. */
export async function ensureRedis(redis: Redis, url: string): Promise<void> {
  try {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
  } catch (err) {
    throw redisUnavailable(url, err);
  }
}

export interface RedisFacts {
  version: string;
  maxmemoryPolicy: string;
  persistence: boolean;
}

export async function readRedisFacts(redis: Redis): Promise<RedisFacts> {
  const info = await redis.info('server');
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  const policy = ((await redis.config('GET', 'maxmemory-policy')) as string[])[1] ?? 'unknown';
  const aof = ((await redis.config('GET', 'appendonly')) as string[])[1] === 'yes';
  const save = ((await redis.config('GET', 'save')) as string[])[1] ?? '';
  return { version, maxmemoryPolicy: policy, persistence: aof || save.trim() !== '' };
}
