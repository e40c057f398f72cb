import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { enterOrder } from '../../src/services/orders.js';
import { ONE_SHOT, Runtime } from '../../src/runtime.js';
import { silentLogger } from '../../src/logger.js';
import { loadConfig } from '../../src/config/config.js';
import { redisUrl, tempDir, uniquePrefix, type TempDir } from '../helpers/env.js';
import { tableRows } from '../helpers/ledgers.js';
import type { SmtpSink } from '../helpers/smtp.js';
import { ledgerLocation } from '../helpers/engine.js';

export interface FaultEnv {
  dir: TempDir;
  env: Record<string, string>;
  runtime: Runtime;
  close(): Promise<void>;
}

/**
 * Env shared by the test and the worker processes it spawns: one ledger (the
 * run's engine, or a SQLite file for faults only a file has), one queue prefix.
 */
export function faultEnv(smtp: SmtpSink, extra: Record<string, string> = {}, smtpQuery = '', defaults: object = {}, ledger: 'run' | 'sqlite' = 'run'): FaultEnv {
  const dir = tempDir('postship-fault-');
  const configPath = dir.file('config.json');
  writeFileSync(configPath, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' }, ...defaults } }));
  const env = {
    POSTSHIP_DB: extra.POSTSHIP_DB ?? (ledger === 'sqlite' ? dir.file('postship.db') : ledgerLocation(dir)),
    REDIS_URL: redisUrl(),
    SMTP_URL: `${smtp.url}${smtpQuery}`,
    POSTSHIP_CONFIG: configPath,
    POSTSHIP_QUEUE_PREFIX: uniquePrefix('fault'),
    // The lease outlives the lock: a stalled job re-run by a live worker waits for the claim, never reclaims it.
    POSTSHIP_CLAIM_LEASE: 'PT5S',
    POSTSHIP_LOCK_DURATION: 'PT2S',
    POSTSHIP_BACKOFF: 'PT0.5S',
    POSTSHIP_SEND_ATTEMPTS: '30',
    POSTSHIP_PROMOTE_EVERY: 'PT1S',
    POSTSHIP_CONCURRENCY: '20',
    LOG_LEVEL: 'warn',
    ...extra,
  };
  const runtime = new Runtime(loadConfig(env), { ...ONE_SHOT, logger: silentLogger() });
  return {
    dir,
    env,
    runtime,
    async close() {
      const queue = await runtime.sendQueue().catch(() => null);
      await queue?.obliterate({ force: true }).catch(() => undefined);
      await runtime.close();
      dir.remove();
    },
  };
}

/** Enters `count` orders whose shipped notice is due now (day1/day14 far in the future). */
export async function enterDueOrders(fault: FaultEnv, count: number, prefix = 'F'): Promise<void> {
  const shippedAt = DateTime.utc().toISO();
  // One transaction: the worker sees the whole batch at once.
  await fault.runtime.ledger.transaction(async (tx) => {
    const deps = { ...fault.runtime.orderDeps(), ledger: tx };
    for (let i = 0; i < count; i++) {
      await enterOrder(deps, {
        orderId: `${prefix}-${i}`, buyer: { name: `Buyer ${i}`, email: `${prefix.toLowerCase()}${i}@example.com` },
        country: ['US', 'ES', 'BR', 'DE'][i % 4], carrier: ['china-post', 'cainiao', 'dhl'][i % 3],
        trackingNumber: `${prefix}T${i}`, shippedAt,
      });
    }
  });
}

export function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'postship.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  Object.defineProperty(child, 'output', { get: () => output });
  return child;
}

export function output(child: ChildProcess): string {
  return (child as ChildProcess & { output: string }).output;
}

export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export interface Tally {
  due: number;
  sent: number;
  lost: number;
  pending: number;
  failed: number;
  received: number;
  duplicates: number;
  distinctReceived: number;
}

/** Ledger vs what the SMTP server got, for the shipped sends of the batch. */
export async function tally(fault: FaultEnv, smtp: SmtpSink, due: number): Promise<Tally> {
  const rows = (await tableRows(fault.runtime, 'sends')).filter((r) => r.milestone === 'shipped');
  const sent = rows.filter((r) => r.status === 'sent');
  const ids = smtp.received.map((m) => m.messageId);
  const distinct = new Set(ids);
  const sentIds = new Set(sent.map((r) => r.messageId));
  return {
    due,
    sent: sent.length,
    lost: [...sentIds].filter((id) => !distinct.has(id)).length + (due - rows.length),
    pending: rows.filter((r) => ['scheduled', 'queued', 'sending'].includes(r.status)).length,
    failed: rows.filter((r) => r.status === 'failed').length,
    received: ids.length,
    duplicates: ids.length - distinct.size,
    distinctReceived: distinct.size,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
