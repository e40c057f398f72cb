import type { Worker } from 'bullmq';
import type { Config } from '../../src/config/config.js';
import { systemClock, type Clock } from '../../src/domain/clock.js';
import { silentLogger } from '../../src/logger.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { LONG_RUNNING, Runtime } from '../../src/runtime.js';
import { startSendWorker } from '../../jobs/worker.js';

export interface TestPipeline {
  runtime: Runtime;
  worker: Worker | null;
  startWorker(options?: { concurrency?: number; lockDurationMs?: number }): Promise<Worker>;
  close(): Promise<void>;
}

/**
 * The real pipeline in-process: SQLite file, Redis queue, worker, transport
 * (SMTP_URL from the config, else the outbox). Close it in afterEach.
 */
export function testPipeline(config: Config, clock: Clock = systemClock, transport?: MailTransport): TestPipeline {
  const runtime = new Runtime(config, { ...LONG_RUNNING, clock, logger: silentLogger(), transport });
  const pipeline: TestPipeline = {
    runtime,
    worker: null,
    async startWorker(options = {}) {
      const worker = startSendWorker(await runtime.jobDeps(), {
        connection: await runtime.redis(),
        concurrency: options.concurrency ?? 5,
        lockDurationMs: options.lockDurationMs,
      });
      await worker.waitUntilReady();
      pipeline.worker = worker;
      return worker;
    },
    async close() {
      await pipeline.worker?.close();
      const queue = await runtime.sendQueue().catch(() => null);
      await queue?.obliterate({ force: true }).catch(() => undefined);
      await runtime.close();
    },
  };
  return pipeline;
}
