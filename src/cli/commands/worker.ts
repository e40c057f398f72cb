import { Command } from 'commander';
import { runWorker } from '../../../jobs/worker.js';
import { InputError } from '../../domain/errors.js';
import { createLogger } from '../../logger.js';
import { connectRedis, ensureRedis } from '../../queue/redis.js';
import { LONG_RUNNING, Runtime } from '../../runtime.js';
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
  const probe = connectRedis(url, 'command');
  try {
    await ensureRedis(probe, url);
  } finally {
    probe.disconnect();
  }
}

async function worker(cli: Cli, o: { concurrency?: string }): Promise<void> {
  const config = cliConfig(cli);
  const concurrency = o.concurrency === undefined ? config.concurrency : Number(o.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
    throw new InputError('flag_invalid', [`--concurrency ${JSON.stringify(o.concurrency)} must be a whole number from 1 to 1000`]);
  }
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
