import type { Readable, Writable } from 'node:stream';
import { createColors } from 'picocolors';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Clock } from '../domain/clock.js';
import { PostshipError, RuntimeError } from '../domain/errors.js';
import type { Runtime } from '../runtime.js';
import type { OpenLedger } from '../store/ledger-api.js';
import { ledgerMissing } from '../store/ledger-file.js';
import { isPostgresUrl } from '../store/pg/url.js';
import { sqliteOnlyError } from '../store/pg/sqlite-only.js';
import { Shutdown } from '../shutdown.js';

export type Env = Record<string, string | undefined>;
export type Colors = ReturnType<typeof createColors>;

/**
 * What every command gets from the entry point: streams, env and a place to
 * leave its exit status. Commands never call process.exit themselves.
 */
export interface Cli {
  env: Env;
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  /** Colours only when a person is looking at a terminal. */
  colors: Colors;
  /** Set by a command that finished but must not report success (e.g. import with invalid rows). */
  exitCode: 0 | 1 | 2;
}

export function createCli(
  env: Env = process.env,
  streams: Pick<Cli, 'stdin' | 'stdout' | 'stderr'> = process,
): Cli {
  const tty = Boolean(streams.stdout.isTTY) && !env.NO_COLOR;
  return { env, ...streams, colors: createColors(tty), exitCode: 0 };
}

export function print(cli: Cli, text = ''): void {
  cli.stdout.write(`${text}\n`);
}

export function printJson(cli: Cli, data: unknown): void {
  cli.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}

export function warn(cli: Cli, text: string): void {
  cli.stderr.write(`${text}\n`);
}

/** Width to fit tables into: the terminal's, but never wider than 80 when piped. */
export function terminalWidth(cli: Cli): number {
  return cli.stdout.isTTY && cli.stdout.columns ? Math.max(40, cli.stdout.columns) : 80;
}

/** Short-lived commands log warnings to stderr only, so stdout stays clean data. */
async function commandLogger(env: Env): Promise<Logger> {
  const { pino } = await import('pino');
  return pino({ level: env.LOG_LEVEL?.trim() || 'warn' }, pino.destination(2));
}

/**
 * The config for a command; a PostgreSQL POSTSHIP_DB is refused by the few that need a SQLite file (`sqliteOnly`).
 * Loaded on first use (zod, luxon): `--help` and `--version` never read the config.
 */
export async function cliConfig(cli: Cli, options: { sqliteOnly?: string } = {}): Promise<Config> {
  const { loadConfig } = await import('../config/config.js');
  const config = loadConfig(cli.env);
  if (config.dbEngine === 'postgres' && options.sqliteOnly) throw sqliteOnlyError(config.dbPath, options.sqliteOnly);
  return config;
}

/**
 * The config, and whether the ledger is missing: a missing ledger is never
 * created silently. Commands that enter orders (`createLedger`) create it and
 * say so; the others refuse, since a new empty ledger where POSTSHIP_DB points
 * means the real one was moved or deleted.
 */
async function ledgerTarget(cli: Cli, config: Config | undefined, createLedger: boolean | undefined): Promise<{ config: Config; missing: boolean }> {
  config ??= await cliConfig(cli);
  const missing = ledgerMissing(config.dbPath);
  if (missing && !createLedger) {
    throw new RuntimeError(
      'db_missing',
      `no database at ${config.dbPath} (POSTSHIP_DB)`,
      'Point POSTSHIP_DB at the ledger (moved or deleted? see README "Restore"), or create a new one with `postship migrate`.',
    );
  }
  return { config, missing };
}

/**
 * Opens the runtime for one command and always closes it, success or failure
 * (a missing ledger: see ledgerTarget). For commands that queue, send or track;
 * one that only reads or writes the ledger takes withLedger.
 */
export async function withRuntime<T>(
  cli: Cli,
  fn: (runtime: Runtime) => Promise<T> | T,
  config?: Config,
  options: { createLedger?: boolean } = {},
): Promise<T> {
  const target = await ledgerTarget(cli, config, options.createLedger);
  // Loaded here, not at the top: a command can start work of its own (the import's reader thread) while it loads.
  const { ONE_SHOT, Runtime } = await import('../runtime.js');
  const runtime = new Runtime(target.config, { ...ONE_SHOT, logger: await commandLogger(cli.env) });
  if (target.missing) warn(cli, `postship: created a new database at ${target.config.dbPath} (POSTSHIP_DB)`);
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

/** What a command that only reads or writes the ledger gets from withLedger: the runtime's ledger, config and clock, nothing else. */
export interface LedgerSession {
  ledger: OpenLedger;
  config: Config;
  clock: Clock;
}

/**
 * withRuntime for a command that needs the ledger only (status, list, export,
 * at-risk, ...): the same ledger, the same refusal of a missing one, closed
 * the same way, without the runtime's modules (BullMQ, Redis, SMTP, templates,
 * metrics, tracking providers) and, on SQLite, without the PostgreSQL driver.
 */
export async function withLedger<T>(
  cli: Cli,
  fn: (session: LedgerSession) => Promise<T> | T,
  config?: Config,
  options: { createLedger?: boolean } = {},
): Promise<T> {
  const target = await ledgerTarget(cli, config, options.createLedger);
  const [ledger, { systemClock }] = await Promise.all([openLedgerOnly(target.config.dbPath), import('../domain/clock.js')]);
  if (target.missing) warn(cli, `postship: created a new database at ${target.config.dbPath} (POSTSHIP_DB)`);
  try {
    return await fn({ ledger, config: target.config, clock: systemClock });
  } finally {
    // As Runtime.close closes its ledger: within the deadline, a failure logged, not thrown.
    const shutdown = new Shutdown();
    shutdown.add('database', () => ledger.close());
    const failures: Array<{ step: string; err: string }> = [];
    await shutdown.close(10_000, (step, err) => failures.push({ step, err: String(err) }));
    for (const failure of failures) (await commandLogger(cli.env)).warn(failure, 'close failed');
  }
}

/** store/open.ts's choice of engine, with only the chosen engine's modules loaded (that file imports both). */
async function openLedgerOnly(pathOrUrl: string): Promise<OpenLedger> {
  if (isPostgresUrl(pathOrUrl)) return (await import('../store/pg/pg-ledger.js')).postgresLedger(pathOrUrl);
  return (await import('../store/sqlite-ledger.js')).openSqliteLedger(pathOrUrl);
}

/**
 * Puts what the command just recorded into Redis. The SQLite write already
 * happened and is durable, so a Redis outage is reported as such: nothing is
 * lost, the daemon's promoter queues the rows once Redis is back.
 */
export async function promoteAfterWrite(runtime: Runtime, what: string): Promise<number> {
  try {
    return await runtime.queueAfterWrite();
  } catch (err) {
    if (err instanceof PostshipError && err.code === 'redis_unavailable') {
      throw new RuntimeError(
        'redis_unavailable',
        `${what} saved in the database but not queued: ${err.message}`,
        `${err.hint ?? ''} Nothing is lost: the daemon queues them once Redis is back (or run this command again).`.trim(),
        { cause: err },
      );
    }
    throw err;
  }
}
