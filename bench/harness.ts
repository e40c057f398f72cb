import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../src/config/config.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logger.js';
import { LONG_RUNNING, Runtime } from '../src/runtime.js';

export interface Figure {
  id: number;
  name: string;
  unit: string;
  value: number;
  limitName: string;
  limit: number | null;
  /** e.g. ">= 0.8 x limit" */
  target: string;
  pass: boolean;
  notes?: string;
  /** How long measuring it took, limit and set-up included. */
  seconds?: number;
}

export interface BenchEnv {
  quick: boolean;
  redisUrl: string;
  smtpUrl: string;
}

export interface Scratch {
  dir: string;
  config(env?: Record<string, string>): Config;
  runtime(config: Config): Runtime;
  remove(): void;
}

let counter = 0;

/** A fresh SQLite file, queue prefix and always-open send window for one measurement. */
export function scratch(env: BenchEnv, defaults: object = {}): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'postship-bench-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' }, ...defaults } }));
  return {
    dir,
    config: (extra = {}) =>
      loadConfig({
        POSTSHIP_DB: join(dir, 'bench.db'),
        REDIS_URL: env.redisUrl,
        SMTP_URL: env.smtpUrl,
        POSTSHIP_CONFIG: configPath,
        POSTSHIP_QUEUE_PREFIX: `bench-${process.pid}-${++counter}`,
        LOG_LEVEL: 'silent',
        ...extra,
      }),
    runtime: (config) => new Runtime(config, { ...LONG_RUNNING, logger: silentLogger() }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * With BENCH_PROFILE=dir, records a CPU profile of just the measured section
 * (open it in Chrome DevTools or speedscope); otherwise runs it plainly.
 */
export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return fn();
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
