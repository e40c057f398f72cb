import type { TestProject } from 'vitest/node';
import { startEphemeralRedis, type EphemeralRedis } from '../../src/queue/ephemeral-redis.js';

let redis: EphemeralRedis | undefined;

/** One real redis-server for the whole run; each test isolates itself with its own queue prefix. */
export async function setup(project: TestProject): Promise<void> {
  redis = await startEphemeralRedis();
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
