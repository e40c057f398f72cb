import { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import { cliConfig, warn, type Cli } from '../cli.js';

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** A worker-mode connection waits out outages forever; at start, fail fast instead with one clear line. */
async function probeRedis(url: string): Promise<void> {
  const { connectRedis, ensureRedis } = await import('../../queue/redis.js');
  const probe = connectRedis(url, 'command');
  try {
    await ensureRedis(probe, url);
  } finally {
    probe.disconnect();
  }
}

async function worker(cli: Cli, o: { concurrency?: string }): Promise<void> {
  const config = await cliConfig(cli);
  const concurrency = o.concurrency === undefined ? config.concurrency : Number(o.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
    throw new InputError('flag_invalid', [`--concurrency ${JSON.stringify(o.concurrency)} must be a whole number from 1 to 1000`]);
  }
  // BullMQ, Redis, SMTP: the worker's modules, loaded when it starts.
  const [{ runWorker }, { createLogger }, { LONG_RUNNING, Runtime }] = await Promise.all([
    import('../../../jobs/worker.js'),
    import('../../logger.js'),
    import('../../runtime.js'),
  ]);
  const runtime = new Runtime(config, { ...LONG_RUNNING, logger: createLogger(config.logLevel) });
  try {
    await probeRedis(runtime.redisUrl);
    const running = await runWorker(await runtime.jobDeps(), { connection: await runtime.redis(), concurrency });
    runtime.shutdown.add('worker', () => running.close());
    warn(cli, `postship worker: ${runtime.transport().description}, concurrency ${concurrency}; Ctrl-C to stop`);
    const signal = await untilSignal();
    warn(cli, `postship worker: ${signal}: finishing in-flight sends, then exiting`);
  } finally {
    // The worker was registered first: in-flight sends finish before the queue, Redis and SQLite close.
    await runtime.close();
  }
  warn(cli, 'postship worker: stopped');
}

export function workerCommand(cli: Cli): Command {
  return new Command('worker')
    .description('run the send worker in the foreground until SIGINT/SIGTERM')
    .option('--concurrency <n>', 'sends in flight at once (default: POSTSHIP_CONCURRENCY or 20)')
    .addHelpText('after', '\nLogs go to stdout (LOG_LEVEL). Stops gracefully: in-flight sends finish first.\n\nExample:\n  $ REDIS_URL=redis://127.0.0.1:6379 postship worker --concurrency 10')
    .action((options: { concurrency?: string }) => worker(cli, options));
}
