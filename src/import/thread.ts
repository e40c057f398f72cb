import { workerData } from 'node:worker_threads';
import type { Queue } from 'bullmq';
import type { ConfigFile } from '../config/config-file.js';
import { systemClock } from '../domain/clock.js';
import { InputError, PostshipError } from '../domain/errors.js';
import type { QueueSettings } from '../queue/queues.js';
import type { connectRedis } from '../queue/redis.js';
import { serveOffThread } from '../off-thread.js';
import { readOrderCsv } from './csv.js';
import type { ReaderEvent, ReaderRequest } from './reader.js';
import { prepareBatches } from './batches.js';
import { profileResolver } from '../services/profiles.js';

/**
 * The import's helper thread. It reads the CSV, validates and plans each row
 * and hands batches to the main thread, which writes them to SQLite; and it
 * adds the BullMQ jobs of the sends the main thread wrote as queued. The main
 * thread is left with the database alone. At most `ROWS_AHEAD` rows (two
 * batches at least) wait unacknowledged, so a fast reader never fills memory.
 */
const ROWS_AHEAD = 10_000;
const ENQUEUE_CHUNK = 1000;
const { file, configFile, batchSize, queue } = workerData as {
  file: string;
  configFile: ConfigFile;
  batchSize: number;
  queue: { redisUrl: string; settings: QueueSettings };
};
let credits = Math.max(2, Math.ceil(ROWS_AHEAD / batchSize));
let wake: (() => void) | null = null;

type Jobs = typeof import('../queue/queues.js').sendJobs;
let sendQueue: Promise<{ queue: Queue; jobs: Jobs }> | null = null;
let connection: ReturnType<typeof connectRedis> | null = null;
/** BullMQ and ioredis load at the first enqueue, not at start: the first rows are read sooner. */
function openQueue(): Promise<{ queue: Queue; jobs: Jobs }> {
  sendQueue ??= (async () => {
    const [{ createSendQueue, sendJobs }, { connectRedis, ensureRedis }] = await Promise.all([
      import('../queue/queues.js'),
      import('../queue/redis.js'),
    ]);
    connection = connectRedis(queue.redisUrl, 'command');
    await ensureRedis(connection, queue.redisUrl);
    return { queue: createSendQueue(connection, queue.settings) as Queue, jobs: sendJobs };
  })();
  return sendQueue;
}

const thread = serveOffThread<ReaderRequest, null>(
  async (request) => {
    if (request.kind === 'ack') {
      credits += 1;
      wake?.();
      wake = null;
      return null;
    }
    const opened = await openQueue();
    // A thousand jobs per call: one call of a whole batch builds its whole pipeline in memory at once.
    for (let i = 0; i < request.sends.length; i += ENQUEUE_CHUNK) {
      await opened.queue.addBulk(opened.jobs(queue.settings, request.sends.slice(i, i + ENQUEUE_CHUNK), request.now));
    }
    return null;
  },
  {
    async onStop() {
      await (sendQueue ?? Promise.resolve(null)).then((opened) => opened?.queue.close()).catch(() => undefined);
      connection?.disconnect();
    },
  },
);
const emit = (event: ReaderEvent) => thread.emit(event);

async function read(): Promise<void> {
  let bytes = 0;
  try {
    const rows = readOrderCsv(file, (b) => void (bytes = b));
    for await (const batch of prepareBatches(rows, profileResolver(configFile), systemClock, batchSize, () => bytes)) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits -= 1;
      emit({ kind: 'batch', batch });
    }
    emit({ kind: 'done' });
  } catch (err) {
    const e = err as Error;
    emit({
      kind: 'error',
      error: {
        message: e.message,
        code: err instanceof PostshipError ? err.code : undefined,
        hint: err instanceof PostshipError ? err.hint : undefined,
        problems: err instanceof InputError ? err.problems : undefined,
      },
    });
  }
}

void read();
