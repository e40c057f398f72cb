import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { connectRedis } from '../../src/queue/redis.js';
import { ledgerScratch, type BenchEnv, type Figure } from '../harness.js';

const run = promisify(execFile);
const COUNTRIES = ['US', 'ES', 'BR', 'FR', 'DE', 'PL', 'RU', 'GB'];
const CARRIERS = ['china-post', 'epacket', 'cainiao', 'yanwen', '4px', 'dhl'];

/** An order export as a seller would download it: orders shipped over the last day. */
async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const now = DateTime.utc();
  out.write('order_id,buyer_name,buyer_email,country,carrier,tracking_number,shipped_at,store\n');
  for (let i = 0; i < rows; i++) {
    const shipped = now.minus({ minutes: (i * 7) % 1440 }).toISO({ suppressMilliseconds: true });
    const line = `S${i},Buyer ${i},buyer${i}@example.com,${COUNTRIES[i % 8]},${CARRIERS[i % 6]},TN${String(i).padStart(9, '0')}CN,${shipped},default\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** The limit: BullMQ's own addBulk of no-op jobs, 1,000 per call. */
async function rawAddBulk(redisUrl: string, count: number): Promise<number> {
  const connection = connectRedis(redisUrl, 'worker');
  const queue = new Queue(`raw-${process.pid}`, { connection, prefix: 'bench-raw' });
  const started = performance.now();
  for (let i = 0; i < count; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, count - i) }, (_, k) => ({ name: 'noop', data: { i: i + k } })));
  }
  const rate = count / ((performance.now() - started) / 1000);
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return rate;
}

/** `postship import` as a seller runs it: a process, the CSV streamed, due messages queued. */
export async function schedulingThroughput(env: BenchEnv): Promise<Figure> {
  const count = env.quick ? 10_000 : 100_000;
  const s = await ledgerScratch(env);
  const csv = join(s.dir, 'orders.csv');
  await writeCsv(csv, count);
  // Measured before and after the import, and averaged: the machine's speed drifts by the minute.
  const limitBefore = await rawAddBulk(env.redisUrl, count);
  const config = s.config();
  const started = performance.now();
  const { stdout } = await run(process.execPath, [join(PACKAGE_ROOT, 'bin/postship.js'), 'import', csv, '--json'], {
    env: {
      ...process.env, POSTSHIP_DB: config.dbPath, REDIS_URL: env.redisUrl, POSTSHIP_QUEUE_PREFIX: config.queuePrefix,
      POSTSHIP_CONFIG: config.configPath ?? '', LOG_LEVEL: 'warn',
    },
    maxBuffer: 16 << 20,
  });
  const seconds = (performance.now() - started) / 1000;
  const result = JSON.parse(stdout) as { imported: number; queued: number; seconds: number };
  const limitAfter = await rawAddBulk(env.redisUrl, count);
  const limit = (limitBefore + limitAfter) / 2;
  const runtime = s.runtime(config);
  await (await runtime.sendQueue()).obliterate({ force: true });
  await runtime.close();
  await s.remove();
  const value = result.imported / seconds;
  return {
    id: 2, name: `scheduling: postship import of ${count} orders`, unit: 'orders/s', value, limitName: 'BullMQ addBulk of no-op jobs',
    limit, target: '>= 0.5 x limit', pass: result.imported === count && value >= 0.5 * limit,
    notes:
      `${result.imported} imported, ${result.queued} sends queued at once (due now); ledger ${result.seconds.toFixed(1)} s, whole command ${seconds.toFixed(1)} s; ` +
      `limit ${limitBefore.toFixed(0)} before, ${limitAfter.toFixed(0)} after`,
  };
}
