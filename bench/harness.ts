import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../src/config/config.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logger.js';
import { LONG_RUNNING, Runtime } from '../src/runtime.js';
import type { BenchPostgres } from './postgres.js';

export type BenchEngine = 'sqlite' | 'postgres';

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
  /** The ledger it was measured on (figures 1, 2 and 4 run on either; the rest on SQLite). */
  engine?: BenchEngine;
}

export interface BenchEnv {
  quick: boolean;
  redisUrl: string;
  smtpUrl: string;
  /** The ledger `ledgerScratch` gives a figure: SQLite unless `--db postgres|both`. */
  engine: BenchEngine;
  /** The throw-away server, when `engine` is postgres. */
  postgres?: BenchPostgres;
}

export interface Scratch {
  dir: string;
  config(env?: Record<string, string>): Config;
  runtime(config: Config): Runtime;
  /** The folder, and on PostgreSQL the database (whose connections must be closed first). */
  remove(): void | Promise<void>;
}

let counter = 0;

/** A fresh SQLite file, queue prefix and always-open send window for one measurement. */
export function scratch(env: BenchEnv, defaults: object = {}, db?: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'postship-bench-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' }, ...defaults } }));
  return {
    dir,
    config: (extra = {}) =>
      loadConfig({
        POSTSHIP_DB: db ?? join(dir, 'bench.db'),
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

/** As `scratch`, with the ledger on `env.engine`: on PostgreSQL a fresh database of the bench's server, dropped by `remove()`. */
export async function ledgerScratch(env: BenchEnv, defaults: object = {}): Promise<Scratch> {
  if (env.engine === 'sqlite') return scratch(env, defaults);
  if (!env.postgres) throw new Error('engine postgres without a server');
  const database = await env.postgres.freshDatabase();
  const s = scratch(env, defaults, database.url);
  return {
    ...s,
    async remove() {
      s.remove();
      await database.drop();
    },
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
