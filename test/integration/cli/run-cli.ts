import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisUrl, uniquePrefix, type TempDir } from '../../helpers/env.js';
import { ledgerLocation } from '../../helpers/engine.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BIN = join(ROOT, 'bin/postship.js');
export const FIXTURES = join(ROOT, 'test/fixtures/cli');
/** Nothing listens on port 1: the quickest way to "Redis is down". */
export const DEAD_REDIS = 'redis://127.0.0.1:1';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Env for one test's CLI runs: its own ledger, outbox and queue prefix on the run's real Redis. */
export function cliEnv(dir: TempDir, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    POSTSHIP_DB: extra.POSTSHIP_DB ?? ledgerLocation(dir),
    POSTSHIP_OUTBOX: dir.file('outbox'),
    REDIS_URL: redisUrl(),
    POSTSHIP_QUEUE_PREFIX: uniquePrefix('cli'),
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** Runs the built CLI as a separate process, the way a seller would. */
export function runCli(args: string[], env: Record<string, string>, options: { stdin?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd ?? ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

export function parseJson<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

export const ORDER_FLAGS = ['--email', 'ana@example.com', '--name', 'Ana Souza', '--country', 'BR', '--carrier', 'cainiao', '--tracking'];
