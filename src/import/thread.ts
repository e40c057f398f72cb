import { parentPort, workerData } from 'node:worker_threads';
import type { Queue } from 'bullmq';
import type { ConfigFile } from '../config/config-file.js';
import { systemClock } from '../domain/clock.js';
import { InputError, PostshipError } from '../domain/errors.js';
import type { QueuedSend, QueueSettings } from '../queue/queues.js';
import type { connectRedis } from '../queue/redis.js';
import { readOrderCsv } from './csv.js';
import { prepareBatches } from './batches.js';
import { profileResolver } from '../services/profiles.js';

/**
 * The import's helper thread. It reads the CSV, validates and plans each row
 * and hands batches to the main thread, which writes them to SQLite; and it
 * adds the BullMQ jobs of the sends the main thread wrote as queued. The main
 * thread is left with the database alone. At most `MAX_AHEAD` batches wait
 * unacknowledged, so a fast reader never fills memory.
 */
const MAX_AHEAD = 4;
const { file, configFile, batchSize, queue } = workerData as {
  file: string;
  configFile: ConfigFile;
  batchSize: number;
  queue: { redisUrl: string; settings: QueueSettings };
};
const port = parentPort!;
let credits = MAX_AHEAD;
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

async function enqueue(ticket: number, sends: QueuedSend[], now: number): Promise<void> {
  try {
    const opened = await openQueue();
    await opened.queue.addBulk(opened.jobs(queue.settings, sends, now));
    port.postMessage({ kind: 'enqueued', ticket });
  } catch (err) {
    port.postMessage({ kind: 'enqueue-failed', ticket, message: (err as Error).message });
  }
}

port.on('message', (msg: { kind: string; ticket?: number; sends?: QueuedSend[]; now?: number }) => {
  if (msg.kind === 'ack') {
    credits += 1;
    wake?.();
    wake = null;
  } else if (msg.kind === 'enqueue') {
    void enqueue(msg.ticket!, msg.sends!, msg.now!);
  } else if (msg.kind === 'close') {
    void (sendQueue ?? Promise.resolve(null))
      .then((opened) => opened?.queue.close())
      .catch(() => undefined)
      .finally(() => {
        connection?.disconnect();
        port.close();
      });
  }
});

async function read(): Promise<void> {
  let bytes = 0;
  try {
    const rows = readOrderCsv(file, (b) => void (bytes = b));
    for await (const batch of prepareBatches(rows, profileResolver(configFile), systemClock, batchSize, () => bytes)) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits -= 1;
      port.postMessage({ kind: 'batch', batch });
    }
    port.postMessage({ kind: 'done' });
  } catch (err) {
    const e = err as Error;
    port.postMessage({
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
