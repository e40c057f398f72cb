import type { ConfigFile } from '../config/config-file.js';
import { InputError, RuntimeError } from '../domain/errors.js';
import { startOffThread } from '../off-thread.js';
import { threadScript } from '../paths.js';
import type { QueuedSend, QueueSettings } from '../queue/queues.js';
import type { PreparedBatch } from './batches.js';

/** What the thread posts by itself: the batches it read, then done or the reading error. */
export type ReaderEvent =
  | { kind: 'batch'; batch: PreparedBatch }
  | { kind: 'done' }
  | { kind: 'error'; error: { message: string; code?: string; hint?: string; problems?: string[] } };

/** What the main thread asks: one more batch may come (`ack`), or these sends' jobs added. */
export type ReaderRequest = { kind: 'ack' } | { kind: 'enqueue'; sends: QueuedSend[]; now: number };

export interface ImportReader {
  /** Prepared batches in file order; a reading error ends them with the same error (an InputError stays one). */
  batches: AsyncGenerator<PreparedBatch>;
  /** Adds the jobs of sends written as queued, from the helper thread; rejects when Redis refuses. */
  enqueue(sends: QueuedSend[], now: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The helper's young generation (3 x a 64 MB semi-space): its garbage
 * collection took half the time it takes with V8's default (1.0 s instead
 * of 1.9-2.1 s for 100,000 rows), for about 100 MB more peak memory.
 */
const YOUNG_GENERATION_MB = 192;

/**
 * The main thread's side of the import's helper thread (thread.ts):
 * CSV parsing, validation, planning and BullMQ's job building happen there,
 * SQLite writes here, each on its own core.
 */
export function startImportReader(
  file: string,
  configFile: ConfigFile,
  batchSize: number,
  queue: { redisUrl: string; settings: QueueSettings },
): ImportReader {
  const settings = { queuePrefix: queue.settings.queuePrefix, sendAttempts: queue.settings.sendAttempts, backoffMs: queue.settings.backoffMs };
  const inbox: ReaderEvent[] = [];
  let wake: (() => void) | null = null;
  let stopped: Error | null = null;
  let finished = false;
  const deliver = () => {
    wake?.();
    wake = null;
  };
  const thread = startOffThread<ReaderRequest, null>(threadScript(import.meta.url, 'thread'), {
    workerData: { file, configFile, batchSize, queue: { redisUrl: queue.redisUrl, settings } },
    // Rows, planned sends and BullMQ's job objects live for a batch or two: with the default young
    // generation, scavenges copied most of them before they died.
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    keepAlive: 'always', // the import waits for its batches
    onEvent(event) {
      const msg = event as ReaderEvent;
      if (msg.kind !== 'batch') finished = true;
      inbox.push(msg);
      deliver();
    },
    onExit(reason) {
      stopped ??= new Error(`the import's helper thread stopped (${reason})`);
      deliver();
    },
  });

  async function* batches(): AsyncGenerator<PreparedBatch> {
    for (;;) {
      const msg = inbox.shift();
      if (!msg) {
        if (stopped && !finished) throw new RuntimeError('import_reader_failed', `cannot read ${file}: ${stopped.message}`);
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (msg.kind === 'done') return;
      if (msg.kind === 'error') {
        const { error } = msg;
        if (error.problems) throw new InputError(error.code ?? 'import_invalid', error.problems, error.hint);
        throw new RuntimeError(error.code ?? 'import_reader_failed', error.message, error.hint);
      }
      void thread.request({ kind: 'ack' }).catch(() => undefined); // a stopped thread ends the batches above
      yield msg.batch;
    }
  }

  return {
    batches: batches(),
    async enqueue(sends, now) {
      if (stopped) throw stopped;
      await thread.request({ kind: 'enqueue', sends, now });
    },
    // The thread closes its queue and Redis connection first (5 s at most).
    close: () => thread.stop(5000),
  };
}
