import { parentPort, Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * The one protocol of postship's helper threads (SMTP, WAL checkpoints,
 * ledger counts, the import reader, the bench's sink): the main side sends
 * numbered requests and gets each one's reply or error back; the thread may
 * also post events of its own (progress, a failed checkpoint); `stop` asks
 * the thread to finish its work and close, then terminates it after a grace.
 * A thread that dies fails every request in flight, never leaves one hanging.
 */

type Envelope<Req> = { id: number; request: Req } | { id: number; stop: true };
type Answer<Rep> = { id: number; ok: true; value: Rep } | { id: number; ok: false; error: ThreadErrorFacts } | { event: unknown };

/** An error as it crosses threads: its message and its primitive own properties (e.g. SMTP's code, responseCode). */
export type ThreadErrorFacts = { message: string } & Record<string, string | number | boolean | undefined>;

export class OffThreadError extends Error {
  constructor(readonly facts: ThreadErrorFacts) {
    super(facts.message);
    Object.assign(this, facts);
    this.name = 'OffThreadError';
  }
}

function factsOf(err: unknown): ThreadErrorFacts {
  const facts: ThreadErrorFacts = { message: err instanceof Error ? err.message : String(err) };
  if (err && typeof err === 'object') {
    for (const [key, value] of Object.entries(err)) {
      if (['string', 'number', 'boolean'].includes(typeof value)) facts[key] = value as string | number | boolean;
    }
  }
  return facts;
}

export interface OffThread<Req, Rep> {
  /** The thread's reply to this request; rejects with OffThreadError (its facts) or when the thread stops first. */
  request(body: Req): Promise<Rep>;
  /** Asks the thread to finish and close, waits up to `graceMs`, then terminates it. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
  /** False once the thread exited (crashed, or stopped). */
  readonly running: boolean;
}

export interface OffThreadOptions {
  workerData?: unknown;
  /** Events the thread posts by itself. */
  onEvent?(event: unknown): void;
  /** The thread died (not through stop): requests in flight were failed already. */
  onExit?(reason: string): void;
  /** Keep the process alive only while a request is in flight (default), never, or always (a thread whose events the process waits for). */
  keepAlive?: 'while-busy' | 'never' | 'always';
  /** V8 limits of the thread (e.g. the import's young generation). */
  resourceLimits?: ResourceLimits;
}

export function startOffThread<Req, Rep>(script: string | URL, options: OffThreadOptions = {}): OffThread<Req, Rep> {
  const thread = new Worker(script, { workerData: options.workerData, resourceLimits: options.resourceLimits });
  if (options.keepAlive !== 'always') thread.unref();
  const pending = new Map<number, { resolve(value: Rep): void; reject(err: unknown): void }>();
  let nextId = 1;
  let running = true;
  let stopping: Promise<void> | null = null;
  const settle = () => {
    if (options.keepAlive === 'always') return;
    if (pending.size === 0 || options.keepAlive === 'never') thread.unref();
  };
  const failAll = (reason: string) => {
    const err = Object.assign(new Error(`helper thread stopped: ${reason}`), { code: 'ESTREAM' });
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  thread.on('message', (answer: Answer<Rep>) => {
    if ('event' in answer) return options.onEvent?.(answer.event);
    const p = pending.get(answer.id);
    if (!p) return;
    pending.delete(answer.id);
    settle();
    if (answer.ok) p.resolve(answer.value);
    else p.reject(new OffThreadError(answer.error));
  });
  thread.on('error', (err) => {
    running = false;
    failAll(err.message);
    if (!stopping) options.onExit?.(err.message);
  });
  thread.on('exit', (code) => {
    const wasRunning = running;
    running = false;
    failAll(`exited with code ${code}`);
    if (wasRunning && !stopping) options.onExit?.(`exited with code ${code}`);
  });
  const post = (envelope: Envelope<Req>) =>
    new Promise<Rep>((resolve, reject) => {
      if (!running) return reject(Object.assign(new Error('helper thread stopped'), { code: 'ESTREAM' }));
      pending.set(envelope.id, { resolve, reject });
      if (options.keepAlive !== 'never') thread.ref();
      thread.postMessage(envelope);
    });
  return {
    get running() {
      return running;
    },
    request: (body) => post({ id: nextId++, request: body }),
    stop(graceMs = 2000) {
      stopping ??= (async () => {
        if (running) {
          const finished = post({ id: nextId++, stop: true }).catch(() => undefined);
          await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
        }
        await thread.terminate();
      })();
      return stopping;
    },
  };
}

/**
 * The thread's side: answers each request with `handle`'s result (or its
 * error's facts); `onStop` finishes the thread's work before it closes.
 * Returns `emit`, to post events to the main side.
 */
export function serveOffThread<Req, Rep>(
  handle: (request: Req) => Rep | Promise<Rep>,
  options: { onStop?(): void | Promise<void> } = {},
): { emit(event: unknown): void } {
  const port = parentPort;
  if (!port) throw new Error('serveOffThread runs in a worker thread');
  port.on('message', async (envelope: Envelope<Req>) => {
    try {
      const value = 'stop' in envelope ? await options.onStop?.() : await handle(envelope.request);
      port.postMessage({ id: envelope.id, ok: true, value } satisfies Answer<unknown>);
    } catch (err) {
      port.postMessage({ id: envelope.id, ok: false, error: factsOf(err) } satisfies Answer<unknown>);
    }
    if ('stop' in envelope) port.close();
  });
  return { emit: (event) => port.postMessage({ event } satisfies Answer<unknown>) };
}
