import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config/config.js';
import { ledgerLocation } from './engine.js';

/** The run's real Redis (started by global-setup). */
export function redisUrl(): string {
  return inject('redisUrl');
}

/** A queue prefix no other test uses, so tests share one Redis without seeing each other. */
export function uniquePrefix(name = 't'): string {
  return `${name}-${randomBytes(4).toString('hex')}`;
}

export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(prefix = 'postship-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A Config as the processes would load it, from env-style values: a temp ledger
 * (SQLite file or PostgreSQL database, test/helpers/engine.ts), the test Redis and a fresh queue prefix unless overridden.
 */
export function testConfig(dir: TempDir, env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    POSTSHIP_DB: env.POSTSHIP_DB ?? ledgerLocation(dir),
    POSTSHIP_OUTBOX: dir.file('outbox'),
    REDIS_URL: redisUrl(),
    POSTSHIP_QUEUE_PREFIX: uniquePrefix(),
    POSTSHIP_BACKOFF: 'PT0.2S',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

/**
 * Writes a config file whose send window is always open (tests must not wait
 * for 09:00 buyer time), with extra `defaults` and top-level sections; returns its path.
 */
export function alwaysOpenConfig(dir: TempDir, defaults: object = {}, rest: object = {}, name = 'config.json'): string {
  const path = dir.file(name);
  writeFileSync(path, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' }, ...defaults }, ...rest }));
  return path;
}
