import type { Logger } from 'pino';
import { runWorker, type RunningWorker } from '../jobs/worker.js';
import type { Config } from './config/config.js';
import { adminCredentialsFrom, adminQueueWritesFrom } from './http/admin-guard.js';
import { metricsAccessFrom } from './http/metrics-access.js';
import { startWebServer } from './http/web.js';
import { createLogger } from './logger.js';
import { LONG_RUNNING, Runtime } from './runtime.js';
import { ledgerMissing } from './store/ledger-file.js';
import { resolveUnsubscribeSecret } from './services/unsubscribe-secret.js';

import { ROLES, type Role } from './roles.js';

// The roles live in their own module (http/web.ts needs the type, and must not import the daemon).
export { ROLES, type Role };

export interface DaemonOptions {
  roles: readonly Role[];
  /** How long in-flight sends may take to finish after SIGTERM/SIGINT. */
  shutdownDeadlineMs?: number;
  logger?: Logger;
  /** Environment for the web role's secrets and admin credentials (default process.env). */
  env?: Record<string, string | undefined>;
  /** Default config.port; 0 picks a free port. */
  port?: number;
}

export interface RunningDaemon {
  runtime: Runtime;
  url: string;
  /** /metrics' own listener, when POSTSHIP_METRICS_PORT is set. */
  metricsUrl?: string;
  worker: RunningWorker | null;
  /** Resolves when the daemon has stopped (after a signal or stop()). */
  stopped: Promise<void>;
  stop(reason?: string): Promise<void>;
}

/**
 * The background service: send workers, the web server and periodic upkeep in
 * one process, or split by role across processes that share Redis and SQLite.
 * Shutdown order: stop taking HTTP requests, let in-flight sends finish within
 * the deadline, then close the queue, Redis and SQLite.
 */
export async function startDaemon(config: Config, options: DaemonOptions): Promise<RunningDaemon> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const creating = ledgerMissing(config.dbPath);
  const runtime = new Runtime(config, { ...LONG_RUNNING, logger });
  if (creating) logger.warn({ db: config.dbPath }, 'created a new, empty database (POSTSHIP_DB): if one should exist there, stop and restore it');
  runtime.ledger.watchFile();
  const deadline = options.shutdownDeadlineMs ?? 10_000;
  let web: { url: string; metricsUrl?: string; close(): Promise<void> } | null = null;
  let worker: RunningWorker | null = null;
  try {
    // HTTP settings are checked before anything starts: a bad one is a start-up error, not a half-started daemon.
    // Every role checks the admin credentials: they also guard /metrics.
    adminCredentialsFrom(options.env ?? process.env);
    if (options.roles.includes('web')) adminQueueWritesFrom(options.env ?? process.env);
    metricsAccessFrom(options.env ?? process.env);
    // Every role signs or verifies unsubscribe links: all with the same secret, or refuse to start.
    await resolveUnsubscribeSecret(runtime.ledger, config.unsubscribeSecret);
    // HTTP first: /healthz answers at once and /readyz says what it waits for while the worker
    // reconciles a large ledger with the queue (minutes, once, on a million-parcel backlog).
    let starting: string | null = options.roles.includes('worker') ? 'reconciling the ledger with the queue' : null;
    const workerReady = { name: 'worker', check: async () => { if (starting) throw new Error(`starting: ${starting}`); } };
    web = await startWebServer(runtime, { port: options.port ?? config.port, roles: options.roles, env: options.env ?? process.env, readiness: [workerReady] });
    // Closed first, in this order, before what the runtime opened: no new requests, then in-flight sends finish.
    const http = web;
    runtime.shutdown.add('http', () => http.close());
    logger.info({ url: web.url, roles: options.roles }, 'http server listening');
    if (options.roles.includes('worker')) {
      worker = await runWorker(await runtime.jobDeps(), { connection: await runtime.redis(), concurrency: config.concurrency });
      const sending = worker;
      runtime.shutdown.add('worker', () => sending.close());
      starting = null;
      logger.info({ concurrency: config.concurrency, transport: runtime.transport().description }, 'send worker started');
    }
  } catch (err) {
    await runtime.close(deadline);
    throw err;
  }

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | null = null;
  const stop = (reason = 'stop requested') => {
    stopping ??= (async () => {
      logger.info({ reason, deadlineMs: deadline }, 'shutting down');
      const started = Date.now();
      // One registry, one deadline: HTTP, then the worker (in-flight sends), then queue, Redis, transport, SQLite.
      // Sends still in flight at the deadline keep their claim; the lease hands them to the next worker.
      await runtime.close(deadline);
      logger.info({ ms: Date.now() - started }, 'stopped');
      resolveStopped();
    })();
    return stopping;
  };
  return { runtime, url: web.url, metricsUrl: web.metricsUrl, worker, stopped, stop };
}

/**
 * Runs the daemon until SIGTERM or SIGINT; resolves with the exit code. `announce` prints the start line:
 * it runs only once the signal handlers are in place, since whoever waits for that line may signal at once.
 */
export async function runDaemonUntilSignal(config: Config, options: DaemonOptions, announce: () => void = () => {}): Promise<number> {
  // Listening before start-up: a supervisor may signal while the daemon is still starting (its start line is
  // already out), and it must then stop cleanly with 0, not die of the signal (143).
  let daemon: RunningDaemon | null = null;
  let early: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (daemon) void daemon.stop(signal);
    else early ??= signal;
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    announce();
    daemon = await startDaemon(config, options);
    if (early) void daemon.stop(early);
    await daemon.stopped;
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
