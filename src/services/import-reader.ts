import { Worker } from 'node:worker_threads';
import type { ConfigFile } from '../config/config-file.js';
import { InputError, RuntimeError } from '../domain/errors.js';
import { threadScript } from '../paths.js';
import type { PreparedBatch } from './import.js';

type FromThread =
  | { kind: 'batch'; batch: PreparedBatch }
  | { kind: 'done' }
  | { kind: 'error'; error: { message: string; code?: string; hint?: string; problems?: string[]; stack?: string } };

/**
 * Prepared batches of a CSV order export, read, validated and planned on a
 * thread of its own (import-thread.ts): the main thread meanwhile writes the
 * previous batch to SQLite and queues it in Redis. A reading error ends the
 * iteration with the same error (an InputError stays an InputError).
 */
export async function* readPreparedBatches(file: string, configFile: ConfigFile, batchSize: number): AsyncGenerator<PreparedBatch> {
  const thread = new Worker(threadScript(import.meta.url, 'import-thread'), { workerData: { file, configFile, batchSize } });
  const inbox: FromThread[] = [];
  let wake: (() => void) | null = null;
  let exited: Error | null = null;
  const deliver = () => {
    wake?.();
    wake = null;
  };
  let finished = false;
  thread.on('message', (msg: FromThread) => {
    if (msg.kind !== 'batch') finished = true;
    inbox.push(msg);
    deliver();
  });
  thread.on('error', (err) => {
    exited = err;
    deliver();
  });
  thread.on('exit', (code) => {
    if (!finished) exited ??= new Error(`the reader thread stopped before the end of the file (exit code ${code})`);
    deliver();
  });
  try {
    for (;;) {
      const msg = inbox.shift();
      if (!msg) {
        if (exited) throw new RuntimeError('import_reader_failed', `cannot read ${file}: ${(exited as Error).message}`);
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (msg.kind === 'done') return;
      if (msg.kind === 'error') {
        const { error } = msg;
        if (error.problems) throw new InputError(error.code ?? 'import_invalid', error.problems, error.hint);
        throw new RuntimeError(error.code ?? 'import_reader_failed', error.message, error.hint);
      }
      thread.postMessage({ kind: 'ack' });
      yield msg.batch;
    }
  } finally {
    await thread.terminate();
  }
}
