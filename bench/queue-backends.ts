/**
 * BullMQ on Redis vs BullMQ 6's own PostgreSQL backend (`createPostgresBackend`),
 * measured in one run on throw-away servers (issue 17's optional item). Not
 * wired into postship: this only measures what the backend would cost, and
 * checks, on both backends, the BullMQ behaviours postship relies on.
 *
 *   npm run build && node dist/bench/queue-backends.js [--jobs 5000] [--backends redis,redis-aof,pg-full,pg-normal] [--concurrency 20]
 *
 * Figures per backend: addBulk jobs/s (postship's send jobs, 1,000 per call as
 * the promoter adds them), Worker jobs/s (concurrency 20, trivial handler, a
 * backlog of N waiting jobs drained, removeOnComplete as postship's jobs),
 * delayed-job lateness (200 jobs delayed 1 s, handler start minus due time),
 * and storage per job (Redis: INFO used_memory delta; PostgreSQL:
 * pg_total_relation_size of every table in the bullmq schema, indexes and
 * TOAST included), for N pending delayed jobs and after N processed ones.
 * Then the checks (moveToDelayed + DelayedError, job schedulers, a worker
 * killed -9, retries, job-id uniqueness, prefixes, the raw-Redis calls of
 * reconcile...): a check that fails is printed as failing, never skipped.
 *
 * Table on stdout, JSON in bench/results/queue-backends.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createPostgresBackend, DelayedError, Queue, QueueEvents, runMigrations, Worker, type Job, type WorkerOptions } from 'bullmq';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { startEphemeralRedis, type EphemeralRedis } from '../src/queue/ephemeral-redis.js';
import { jobOf } from '../src/queue/job-specs.js';
import { connectRedis } from '../src/queue/redis.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { DURABILITY, findPostgresBin, startBenchPostgres, type BenchPostgres, type Durability } from './postgres.js';

const CONCURRENCY = Number(flag('concurrency') ?? 20);
const ADD_BATCH = 1000;
const DELAYED_JOBS = 200;
const DELAY_MS = 1000;
/** postship's queue settings (config defaults), for jobs shaped as its send jobs. */
const SETTINGS = { queuePrefix: 'qb', sendAttempts: 10, backoffMs: 10_000 };

type BackendId = 'redis' | 'redis-aof' | 'pg-full' | 'pg-normal';
const ALL_BACKENDS: BackendId[] = ['redis', 'redis-aof', 'pg-full', 'pg-normal'];

/** What the bench needs of a backend: the three BullMQ classes, on the same store, and its size. */
interface Backend {
  id: BackendId;
  /** Server version and the settings that matter for the figures. */
  facts: Record<string, string | number | boolean>;
  queue(name: string, prefix?: string): Queue;
  worker(name: string, processor: (job: Job, token?: string) => Promise<unknown>, opts?: Partial<WorkerOptions>): Worker;
  queueEvents(name: string): QueueEvents;
  /** Bytes the store holds now (Redis used_memory; the bullmq schema's relations on PostgreSQL). */
  storageBytes(): Promise<number>;
  /** What a child process needs to build a worker on the same store (the kill -9 check). */
  childSpec: { kind: 'redis' | 'postgres'; url: string; prefix: string };
  close(): Promise<void>;
}

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `predicate` holds, polling every 10 ms; rejects after `ms`. */
async function until(ms: number, what: string, predicate: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(10);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function flag(name: string): string | undefined {
  const at = process.argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  return process.argv[at].includes('=') ? process.argv[at].slice(name.length + 3) : process.argv[at + 1];
}

let seq = 0;
const uniqueName = (what: string) => `qb-${what}-${process.pid}-${++seq}`;

// ---------------------------------------------------------------- backends

async function redisBackend(id: 'redis' | 'redis-aof'): Promise<Backend> {
  // `redis`: startEphemeralRedis as the demo and tests run it (no persistence). `redis-aof`: appendfsync
  // everysec, what a production Redis holding a queue should have (src/queue/guards.ts warns without it).
  const server: EphemeralRedis = await startEphemeralRedis({ args: id === 'redis-aof' ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : [] });
  const connections: Redis[] = [];
  const closers: Array<() => Promise<unknown>> = [];
  const connect = () => {
    const c = connectRedis(server.url, 'worker');
    connections.push(c);
    return c;
  };
  const admin = connect();
  await admin.connect();
  const info = await admin.info('server');
  const prefix = `qb${process.pid}`;
  return {
    id,
    facts: {
      server: `redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`,
      persistence: id === 'redis-aof' ? 'AOF, appendfsync everysec' : 'none (save "", appendonly no)',
    },
    queue(name, p = prefix) {
      const q = new Queue(name, { connection: connect(), prefix: p });
      q.on('error', () => {});
      closers.push(() => q.close());
      return q;
    },
    worker(name, processor, opts = {}) {
      const w = new Worker(name, processor, { connection: connect(), prefix, concurrency: CONCURRENCY, ...opts });
      w.on('error', () => {});
      closers.push(() => w.close());
      return w;
    },
    queueEvents(name) {
      const e = new QueueEvents(name, { connection: connect(), prefix });
      e.on('error', () => {});
      closers.push(() => e.close());
      return e;
    },
    async storageBytes() {
      return Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1] ?? NaN);
    },
    childSpec: { kind: 'redis', url: server.url, prefix },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
      for (const c of connections) c.disconnect();
      await server.stop();
    },
  };
}

/** PostgreSQL connection options for one BullMQ object: its own pool (`max` sized for the worker's concurrency). */
function pgConnection(url: string, max: number) {
  return { connectionString: url, max };
}

async function postgresBackend(id: 'pg-full' | 'pg-normal'): Promise<Backend> {
  const durability: Durability = id === 'pg-full' ? 'full' : 'normal';
  const server: BenchPostgres = await startBenchPostgres(findPostgresBin(), durability);
  const db = await server.freshDatabase();
  // Connections never migrate by themselves: the schema is installed once, explicitly (as `postship migrate` would).
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const started = performance.now();
  const schemaVersion = await runMigrations(admin);
  const migrateMs = performance.now() - started;
  const objects = await admin.query(`SELECT
      (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'bullmq') AS tables,
      (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'bullmq') AS functions`);
  const closers: Array<() => Promise<unknown>> = [];
  return {
    id,
    facts: {
      server: `postgresql ${server.version}`,
      durability: `${durability}: ${DURABILITY[durability].settings.join(' ')}`,
      schemaVersion,
      migrateMs: Math.round(migrateMs),
      schemaTables: objects.rows[0].tables,
      schemaFunctions: objects.rows[0].functions,
      poolMax: `queue 10, worker ${CONCURRENCY + 5} (+1 LISTEN connection each)`,
    },
    queue(name, prefix) {
      // BullMQ ignores `prefix` on PostgreSQL (postgres-queue-backend.js forQueue); passed anyway, as postship does.
      const q = new Queue(name, { connection: pgConnection(db.url, 10), ...(prefix ? { prefix } : {}) }, createPostgresBackend) as unknown as Queue;
      q.on('error', () => {});
      closers.push(() => q.close());
      return q;
    },
    worker(name, processor, opts = {}) {
      const w = new Worker(name, processor, { connection: pgConnection(db.url, CONCURRENCY + 5), concurrency: CONCURRENCY, ...opts } as never, createPostgresBackend) as unknown as Worker;
      w.on('error', () => {});
      closers.push(() => w.close());
      return w;
    },
    queueEvents(name) {
      const e = new QueueEvents(name, { connection: pgConnection(db.url, 2) }, createPostgresBackend) as unknown as QueueEvents;
      e.on('error', () => {});
      closers.push(() => e.close());
      return e;
    },
    async storageBytes() {
      const { rows } = await admin.query(`SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'bullmq' AND c.relkind IN ('r', 'p', 'm')`);
      return Number(rows[0].bytes);
    },
    childSpec: { kind: 'postgres', url: db.url, prefix: '' },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
      await admin.end();
      await db.drop();
      server.stop();
    },
  };
}

// ---------------------------------------------------------------- measurements

/** postship's send jobs (src/queue/job-specs.ts jobOf): deterministic ids, attempts, backoff, removeOnComplete. */
function sendJobs(from: number, count: number, delayMs: number) {
  return Array.from({ length: count }, (_, k) => jobOf('send.milestone', { sendId: from + k + 1, v: 1 }, SETTINGS, delayMs));
}

async function addAll(queue: Queue, n: number, delayMs: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i += ADD_BATCH) await queue.addBulk(sendJobs(i, Math.min(ADD_BATCH, n - i), delayMs) as never);
  return performance.now() - started;
}

interface Figures {
  addJobsPerSec: number;
  processJobsPerSec: number;
  processMs: number;
  lateness: { min: number; p50: number; p99: number; max: number; n: number };
  bytesPerPendingJob: number;
  bytesPerProcessedJob: number;
  getJobState500Ms: number;
}

async function measure(b: Backend, n: number): Promise<Figures> {
  // 1. addBulk: N send jobs due in 11 days (pending, as the promoter's horizon would never hold them; the storage figure).
  const store = b.queue(uniqueName('store'));
  await store.waitUntilReady();
  const before = await b.storageBytes();
  const addMs = await addAll(store, n, 11 * 86_400_000);
  const bytesPerPendingJob = ((await b.storageBytes()) - before) / n;
  // What reconcile would have to do without its raw HMGET pipeline: BullMQ's own getJobState, 500 ids (one page).
  const ids = Array.from({ length: Math.min(500, n) }, (_, i) => `send.${i + 1}`);
  let started = performance.now();
  const states = await Promise.all(ids.map((id) => store.getJobState(id)));
  const getJobState500Ms = performance.now() - started;
  if (states.some((s) => s !== 'delayed')) throw new Error(`getJobState: expected "delayed" for every job, got ${[...new Set(states)].join(', ')}`);
  await store.obliterate({ force: true });

  // 2. A backlog of N waiting jobs, drained by one Worker (concurrency 20, handler returns at once).
  const procName = uniqueName('proc');
  const proc = b.queue(procName);
  const beforeProcessed = await b.storageBytes();
  await addAll(proc, n, 0);
  let done = 0;
  const worker = b.worker(procName, async () => 'ok', { autorun: false });
  worker.on('completed', () => void done++);
  await worker.waitUntilReady();
  started = performance.now();
  void worker.run();
  await until(120_000 + n * 20, `processing ${n} jobs`, () => done >= n);
  const processMs = performance.now() - started;
  await worker.close();
  const left = await proc.getJobCounts('waiting', 'active', 'completed', 'failed');
  if (Object.values(left).some((v) => v !== 0)) throw new Error(`after processing, counts are not all 0: ${JSON.stringify(left)}`);
  // What N jobs added, processed and removed on completion leave behind (from before the add): the event
  // stream (both trim it to ~10,000 events per queue), and on PostgreSQL dead rows until autovacuum reuses them.
  const bytesPerProcessedJob = ((await b.storageBytes()) - beforeProcessed) / n;

  // 3. Delayed-job promotion: 200 jobs delayed 1 s added in one call to an idle, waiting worker.
  const delayName = uniqueName('delay');
  const delayQueue = b.queue(delayName);
  const late: number[] = [];
  const delayWorker = b.worker(delayName, async (job) => {
    late.push(Date.now() - (job.timestamp + (job.opts.delay ?? 0)));
  });
  await delayWorker.waitUntilReady();
  await sleep(500); // The worker is blocked waiting, as a daemon's worker is between jobs.
  await delayQueue.addBulk(sendJobs(0, DELAYED_JOBS, DELAY_MS) as never);
  await until(30_000, `${DELAYED_JOBS} delayed jobs`, () => late.length >= DELAYED_JOBS);
  await delayWorker.close();
  const sorted = [...late].sort((x, y) => x - y);
  return {
    addJobsPerSec: n / (addMs / 1000),
    processJobsPerSec: n / (processMs / 1000),
    processMs,
    lateness: { min: sorted[0], p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], n: sorted.length },
    bytesPerPendingJob,
    bytesPerProcessedJob,
    getJobState500Ms,
  };
}

// ---------------------------------------------------------------- checks

interface Check {
  name: string;
  /** Where postship relies on it. */
  usedAt: string;
  ok: boolean;
  detail: string;
}

type CheckFn = (b: Backend) => Promise<string>;

/** The BullMQ behaviours postship's code depends on, each tried the way postship uses it. */
const CHECKS: Array<{ name: string; usedAt: string; run: CheckFn }> = [
  {
    name: 'addBulk with existing job ids adds nothing',
    usedAt: 'src/queue/reconcile.ts (re-enqueue), src/queue/job-specs.ts sendJobId',
    async run(b) {
      const q = b.queue(uniqueName('ids'));
      await q.addBulk(sendJobs(0, 100, 60_000) as never);
      await q.addBulk(sendJobs(50, 100, 60_000) as never); // 50 old ids, 50 new
      const { delayed } = await q.getJobCounts('delayed');
      if (delayed !== 150) throw new Error(`expected 150 delayed jobs, found ${delayed}`);
      return '100 + (50 old, 50 new) = 150 jobs';
    },
  },
  {
    name: 'job.moveToDelayed + DelayedError in the handler',
    usedAt: 'jobs/send-milestone.ts:89,100,121,274; jobs/worker.ts:35',
    async run(b) {
      const name = uniqueName('defer');
      const q = b.queue(name);
      const runs: number[] = [];
      let attemptsAtEnd = -1;
      const w = b.worker(name, async (job, token) => {
        runs.push(Date.now());
        if (runs.length === 1) {
          await job.moveToDelayed(Date.now() + 500, token);
          throw new DelayedError();
        }
        attemptsAtEnd = job.attemptsMade;
      });
      await q.add('send.milestone', { sendId: 1, v: 1 }, jobOf('send.milestone', { sendId: 1, v: 1 }, SETTINGS).opts);
      await until(10_000, 'the deferred job', () => runs.length >= 2);
      await w.close();
      const gap = runs[1] - runs[0];
      if (gap < 450) throw new Error(`ran again after ${gap} ms, before its delay`);
      return `ran again after ${gap} ms (asked 500), attemptsMade ${attemptsAtEnd}`;
    },
  },
  {
    name: 'job schedulers: every, cron with tz, getJobScheduler, remove',
    usedAt: 'src/queue/queues.ts scheduleUpkeep; jobs/worker.ts:91 watchUpkeep',
    async run(b) {
      const name = uniqueName('sched');
      const q = b.queue(name);
      const fired: number[] = [];
      const w = b.worker(name, async (job) => void (job.name === 'promote' && fired.push(Date.now())));
      await w.waitUntilReady();
      await q.upsertJobScheduler('promote', { every: 300 }, { name: 'promote', data: {} });
      await q.upsertJobScheduler('digest', { pattern: '0 7 * * *', tz: 'UTC' }, { name: 'digest', data: {} });
      await until(10_000, 'three runs of an every-300-ms scheduler', () => fired.length >= 3);
      const promote = await q.getJobScheduler('promote');
      const digest = await q.getJobScheduler('digest');
      if (!promote) throw new Error('getJobScheduler("promote") found nothing');
      const next = new Date(Number(digest?.next));
      if (next.getUTCHours() !== 7 || next.getUTCMinutes() !== 0) throw new Error(`digest's next run ${next.toISOString()} is not 07:00 UTC`);
      await q.removeJobScheduler('promote');
      await q.removeJobScheduler('digest');
      if (await q.getJobScheduler('promote')) throw new Error('removeJobScheduler left it');
      await w.close();
      const gaps = fired.slice(1).map((t, i) => t - fired[i]);
      return `every 300 ms: gaps ${gaps.join(', ')} ms; cron next ${next.toISOString()}`;
    },
  },
  {
    name: 'attempts + exponential backoff with jitter, removeOnFail kept',
    usedAt: 'src/queue/job-specs.ts send.milestone / tracking.apply options',
    async run(b) {
      const name = uniqueName('retry');
      const q = b.queue(name);
      const attempts: number[] = [];
      const w = b.worker(name, async (job) => {
        attempts.push(Date.now());
        if (job.data.fail || attempts.length === 1) throw new Error('transient');
      });
      await q.add('x', {}, { attempts: 2, backoff: { type: 'exponential', delay: 200, jitter: 0.5 }, removeOnComplete: true, removeOnFail: { age: 3600, count: 10 } });
      await until(10_000, 'the retried job', () => attempts.length >= 2);
      await q.add('y', { fail: true }, { attempts: 1, removeOnComplete: true, removeOnFail: { age: 3600, count: 10 } });
      await until(10_000, 'the failed job kept', async () => (await q.getJobCounts('failed')).failed === 1);
      await w.close();
      return `retried after ${attempts[1] - attempts[0]} ms (backoff 200 ms, jitter 0.5); the failed one kept`;
    },
  },
  {
    name: 'getJobCounts(waiting, delayed, active, failed, prioritized)',
    usedAt: 'src/metrics.ts:59',
    async run(b) {
      const q = b.queue(uniqueName('counts'));
      await q.add('a', {}, {});
      await q.add('b', {}, { delay: 60_000 });
      await q.add('c', {}, { priority: 5 });
      const counts = await q.getJobCounts('waiting', 'delayed', 'active', 'failed', 'prioritized');
      if (counts.waiting !== 1 || counts.delayed !== 1 || counts.prioritized !== 1) throw new Error(JSON.stringify(counts));
      return JSON.stringify(counts);
    },
  },
  {
    name: 'a worker killed -9 mid-job: its job runs again elsewhere',
    usedAt: 'jobs/worker.ts lockDuration/stalledInterval/maxStalledCount; the kill -9 fault tests',
    async run(b) {
      const name = uniqueName('stall');
      const q = b.queue(name);
      await q.add('send.milestone', { sendId: 1, v: 1 }, { jobId: 'send.1' });
      const child = spawn(process.execPath, [process.argv[1], '--child-take', JSON.stringify({ ...b.childSpec, queue: name })], { stdio: ['ignore', 'pipe', 'inherit'] });
      await within(20_000, 'the child worker taking the job', new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('TAKEN') && resolve());
        child.once('exit', (code) => reject(new Error(`child exited (${code}) before taking the job`)));
      }));
      child.kill('SIGKILL');
      const killedAt = Date.now();
      let rerunAt = 0;
      const w = b.worker(name, async () => void (rerunAt ||= Date.now()), { lockDuration: 1000, stalledInterval: 1000, maxStalledCount: 1000 });
      await until(30_000, 'the stalled job running again', () => rerunAt > 0);
      await w.close();
      return `ran again ${rerunAt - killedAt} ms after the kill (lockDuration 1 s, stalledInterval 1 s)`;
    },
  },
  {
    name: 'QueueEvents sees a completion',
    usedAt: 'not used by postship (listed for completeness)',
    async run(b) {
      const name = uniqueName('events');
      const q = b.queue(name);
      const events = b.queueEvents(name);
      await events.waitUntilReady();
      const seen = new Promise<string>((resolve) => events.on('completed', ({ jobId }) => resolve(jobId)));
      const w = b.worker(name, async () => 'done');
      const job = await q.add('x', {});
      const id = await within(10_000, 'the completed event', seen);
      await w.close();
      if (id !== job.id) throw new Error(`event for ${id}, expected ${job.id}`);
      return `completed event for job ${id}`;
    },
  },
  {
    name: 'bull-board adapter: counts and delayed jobs',
    usedAt: 'src/http/admin.ts (BullMQAdapter)',
    async run(b) {
      const q = b.queue(uniqueName('board'));
      await q.addBulk(sendJobs(0, 3, 60_000) as never);
      const adapter = new BullMQAdapter(q);
      const counts = await adapter.getJobCounts();
      const jobs = await adapter.getJobs(['delayed'], 0, 10);
      if (counts.delayed !== 3 || jobs.length !== 3) throw new Error(`counts ${JSON.stringify(counts)}, ${jobs.length} delayed jobs listed`);
      return `delayed ${counts.delayed}, listed ${jobs.length}`;
    },
  },
  {
    name: 'two installations with different prefixes stay apart',
    usedAt: 'POSTSHIP_QUEUE_PREFIX ("use one per installation sharing a Redis"): src/queue/queues.ts:14, jobs/worker.ts:43',
    async run(b) {
      const name = uniqueName('prefix');
      const a = b.queue(name, 'storeA');
      const other = b.queue(name, 'storeB');
      await a.add('x', {}, { jobId: 'send.1' });
      const seen = (await other.getJobCounts('waiting')).waiting;
      if (seen !== 0) throw new Error(`the queue under prefix "storeB" sees ${seen} job(s) added under "storeA": prefix is ignored (one PostgreSQL schema or database per installation instead)`);
      return 'each prefix sees only its own jobs';
    },
  },
  {
    name: 'the queue\'s own ioredis client (reconcile\'s HMGET pipeline)',
    usedAt: 'src/queue/reconcile.ts:22-23 (queue.opts.connection as Redis).pipeline(), hmget(queue.toKey(id))',
    async run(b) {
      const q = b.queue(uniqueName('raw'));
      const connection = q.opts.connection as unknown as { pipeline?: unknown };
      if (typeof connection?.pipeline !== 'function') {
        throw new Error(`queue.opts.connection is ${typeof connection === 'string' ? 'a string' : typeof connection}, not an ioredis client: reconcile must use BullMQ's getJobState (see "getJobState x500" above) or query the job table`);
      }
      return 'an ioredis client, as reconcile expects';
    },
  },
];

/** postship code that needs Redis itself, not through BullMQ: not measurable here, said as found in the source. */
const REDIS_OUTSIDE_BULLMQ = [
  'src/mail/pacing.ts:116-120: per-domain rate and per-store daily cap are Lua scripts (defineCommand) on the worker\'s ioredis connection: no PostgreSQL counterpart; needs a ledger-side implementation (e.g. a table updated under a row lock).',
  'src/queue/guards.ts:11 assertRedisFitForQueue (called at jobs/worker.ts:125) reads INFO / CONFIG GET (maxmemory-policy, persistence) before every worker start.',
  'jobs/worker.ts:84-117 watchUpkeep listens for the ioredis "ready" event (line 108) to notice a restarted (flushed) Redis; src/cli/doctor-checks.ts checkRedis; src/runtime.ts redis().',
  'src/import/thread.ts:37-42 and src/cli/commands/worker.ts:22-25 open and probe a Redis connection by URL (REDIS_URL).',
];

async function runChecks(b: Backend): Promise<Check[]> {
  const results: Check[] = [];
  for (const check of CHECKS) {
    try {
      const detail = await within(60_000, check.name, check.run(b));
      results.push({ name: check.name, usedAt: check.usedAt, ok: true, detail });
    } catch (err) {
      results.push({ name: check.name, usedAt: check.usedAt, ok: false, detail: (err as Error).message });
    }
  }
  return results;
}

// ---------------------------------------------------------------- child (the kill -9 check)

/** Takes one job and hangs on it until killed: a worker process dying mid-send. */
async function childTake(spec: { kind: 'redis' | 'postgres'; url: string; prefix: string; queue: string }): Promise<void> {
  const processor = async () => {
    process.stdout.write('TAKEN\n');
    await new Promise(() => {});
  };
  const opts = { concurrency: 1, lockDuration: 1000, stalledInterval: 1000, maxStalledCount: 1000 };
  const worker =
    spec.kind === 'redis'
      ? new Worker(spec.queue, processor, { ...opts, connection: connectRedis(spec.url, 'worker'), prefix: spec.prefix })
      : (new Worker(spec.queue, processor, { ...opts, connection: pgConnection(spec.url, 3) } as never, createPostgresBackend) as unknown as Worker);
  worker.on('error', () => {});
}

// ---------------------------------------------------------------- main

interface BackendResult {
  id: BackendId;
  facts: Backend['facts'];
  figures?: Figures;
  error?: string;
  checks: Check[];
  seconds: number;
}

const fmt = (v: number | undefined, digits = 0) => (v === undefined || Number.isNaN(v) ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function printTable(n: number, results: BackendResult[]): void {
  const rows: Array<[string, (f: Figures) => string]> = [
    [`addBulk, ${ADD_BATCH}/call (jobs/s)`, (f) => fmt(f.addJobsPerSec)],
    [`Worker c=${CONCURRENCY}, ${n} jobs (jobs/s)`, (f) => fmt(f.processJobsPerSec)],
    [`delayed 1 s, lateness min (ms)`, (f) => fmt(f.lateness.min)],
    [`delayed 1 s, lateness p50 (ms)`, (f) => fmt(f.lateness.p50)],
    [`delayed 1 s, lateness p99 (ms)`, (f) => fmt(f.lateness.p99)],
    [`delayed 1 s, lateness max (ms)`, (f) => fmt(f.lateness.max)],
    ['bytes per pending delayed job', (f) => fmt(f.bytesPerPendingJob)],
    ['bytes left per processed job', (f) => fmt(f.bytesPerProcessedJob)],
    ['getJobState x500 (ms)', (f) => fmt(f.getJobState500Ms)],
  ];
  const width = 40;
  const col = 14;
  console.log(`\n${''.padEnd(width)}${results.map((r) => r.id.padStart(col)).join('')}`);
  for (const [label, value] of rows) {
    console.log(`${label.padEnd(width)}${results.map((r) => (r.figures ? value(r.figures) : 'error').padStart(col)).join('')}`);
  }
  console.log('\nChecks (what postship needs of BullMQ):');
  for (const check of CHECKS) {
    console.log(`  ${check.name}  [${check.usedAt}]`);
    for (const r of results) {
      const c = r.checks.find((x) => x.name === check.name);
      console.log(`    ${r.id.padEnd(10)} ${c ? (c.ok ? 'ok  ' : 'FAIL') : '-   '} ${c?.detail ?? ''}`);
    }
  }
  console.log('\npostship code that needs Redis outside BullMQ (from the source, not measured):');
  for (const line of REDIS_OUTSIDE_BULLMQ) console.log(`  - ${line}`);
  for (const r of results) {
    console.log(`\n${r.id}: ${Object.entries(r.facts).map(([k, v]) => `${k}=${v}`).join('; ')}; ${r.seconds.toFixed(1)} s${r.error ? `; ERROR ${r.error}` : ''}`);
  }
}

async function main(): Promise<void> {
  const n = Number(flag('jobs') ?? 5000);
  if (!Number.isInteger(n) || n < 500) throw new Error('--jobs takes a whole number >= 500');
  const wanted = (flag('backends') ?? ALL_BACKENDS.join(',')).split(',') as BackendId[];
  for (const id of wanted) if (!ALL_BACKENDS.includes(id)) throw new Error(`--backends: unknown "${id}" (${ALL_BACKENDS.join(', ')})`);
  const loadBefore = loadavg();
  console.log(`BullMQ queue backends: ${n} jobs, concurrency ${CONCURRENCY}, ${cpus().length} CPUs, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  const results: BackendResult[] = [];
  for (const id of wanted) {
    const started = performance.now();
    process.stdout.write(`  ${id}... `);
    const b = id.startsWith('redis') ? await redisBackend(id as 'redis' | 'redis-aof') : await postgresBackend(id as 'pg-full' | 'pg-normal');
    const result: BackendResult = { id, facts: b.facts, checks: [], seconds: 0 };
    try {
      result.figures = await measure(b, n);
    } catch (err) {
      result.error = (err as Error).message;
    }
    result.checks = await runChecks(b);
    await b.close();
    result.seconds = (performance.now() - started) / 1000;
    results.push(result);
    console.log(`${result.seconds.toFixed(1)} s${result.error ? ` (error: ${result.error})` : ''}`);
  }
  const loadAfter = loadavg();
  printTable(n, results);
  console.log(`\nload average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  const out = join(PACKAGE_ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, 'queue-backends.json');
  writeFileSync(file, `${JSON.stringify({
    at: new Date().toISOString(),
    bullmq: JSON.parse(readFileSync(join(PACKAGE_ROOT, 'node_modules', 'bullmq', 'package.json'), 'utf8')).version,
    node: process.version,
    cpus: cpus().length,
    loadavg: { before: loadBefore, after: loadAfter },
    jobs: n,
    concurrency: CONCURRENCY,
    addBatch: ADD_BATCH,
    delayed: { jobs: DELAYED_JOBS, delayMs: DELAY_MS },
    backends: results,
    redisOutsideBullmq: REDIS_OUTSIDE_BULLMQ,
  }, null, 2)}\n`);
  console.log(`written ${file}`);
}

const childArg = process.argv.indexOf('--child-take');
if (childArg >= 0) {
  childTake(JSON.parse(process.argv[childArg + 1])).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
