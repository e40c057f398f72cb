import { parentPort, workerData } from 'node:worker_threads';
import type { ConfigFile } from '../config/config-file.js';
import { systemClock } from '../domain/clock.js';
import { PostshipError, InputError } from '../domain/errors.js';
import { readOrderCsv } from './import-csv.js';
import { prepareBatches } from './import.js';
import { profileResolver } from './profiles.js';

/**
 * The import's reading thread: parses the CSV, validates and plans each row,
 * and hands batches to the main thread, which writes them to SQLite and Redis.
 * At most `MAX_AHEAD` batches wait unacknowledged, so a fast reader never
 * fills memory with a file the database has not caught up with.
 */
const MAX_AHEAD = 4;
const { file, configFile, batchSize } = workerData as { file: string; configFile: ConfigFile; batchSize: number };
const port = parentPort!;
let credits = MAX_AHEAD;
let wake: (() => void) | null = null;
port.on('message', (msg: { kind: string }) => {
  if (msg.kind !== 'ack') return;
  credits += 1;
  wake?.();
  wake = null;
});

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
      stack: e.stack,
    },
  });
}
port.close();
