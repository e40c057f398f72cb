import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { jobOf } from '../../src/queue/job-specs.js';
import { connectRedis } from '../../src/queue/redis.js';
import type { ImportRow } from '../../src/import/csv.js';
import { importOrders } from '../../src/import/write.js';
import { prepareBatches } from '../../src/import/batches.js';
import { scratch, type BenchEnv, type Figure } from '../harness.js';

/** Queue settings of the plain delayed jobs the limit is measured with. */
const SETTINGS = { queuePrefix: 'bench-plain', sendAttempts: 10, backoffMs: 10_000 };

async function usedMemory(runtime: { redis(): Promise<import('ioredis').Redis> }): Promise<number> {
  const info = await (await runtime.redis()).info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

/**
 * The limit, measured: Redis bytes per plain BullMQ delayed job, as a design
 * without the horizon would keep one per pending send (same name, payload and
 * options as postship's send jobs, due in 11 days).
 */
async function plainDelayedJobBytes(env: BenchEnv, count: number): Promise<number> {
  const connection = connectRedis(env.redisUrl, 'worker');
  const queue = new Queue(`plain-${process.pid}`, { connection, prefix: 'bench-plain' });
  const before = await usedMemory({ redis: async () => connection });
  for (let i = 0; i < count; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, count - i) }, (_, k) => ({
        ...jobOf('send.milestone', { sendId: i + k, v: 1 }, SETTINGS, 11 * 86_400_000),
      })),
    );
  }
  const bytes = Math.max(0, (await usedMemory({ redis: async () => connection })) - before) / count;
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return bytes;
}

/**
 * Redis bytes per in-flight order: orders shipped 3 days ago (shipped/day1 done),
 * day14 pending. With the horizon, day14 waits in SQLite, not in Redis.
 */
export async function redisMemoryPerOrder(env: BenchEnv): Promise<Figure> {
  // BENCH_MEMORY_ORDERS=1000000 measures it at the scale figure's larger size (issue 21); the limit's per-job bytes do not grow, so it stays at 100,000 jobs.
  const count = Number(process.env.BENCH_MEMORY_ORDERS ?? (env.quick ? 10_000 : 100_000));
  const s = scratch(env);
  const runtime = s.runtime(s.config());
  const before = await usedMemory(runtime);
  const shippedAt = DateTime.utc().minus({ days: 3 }).toISO();
  // Loaded the way a seller loads 100,000 orders: through the import (enterOrder one by one took a minute).
  async function* rows(): AsyncGenerator<ImportRow[]> {
    for (let start = 0; start < count; start += 1000) {
      yield Array.from({ length: Math.min(1000, count - start) }, (_, k): ImportRow => {
        const i = start + k;
        return {
          line: i + 2, problems: [],
          input: { orderId: `M${i}`, buyer: { name: 'B', email: `m${i}@example.com` }, country: 'US', carrier: 'china-post', trackingNumber: `MT${i}`, shippedAt },
        };
      });
    }
  }
  await importOrders(runtime.orderDeps(), prepareBatches(rows(), runtime.profiles, runtime.clock, 1000));
  await runtime.promote();
  await runtime.reconcile();
  const after = await usedMemory(runtime);
  const pendingDay14 = runtime.ledger.sqlite!.$client
    .prepare("SELECT count(*) AS n FROM sends WHERE milestone = 'day14' AND status = 'scheduled'")
    .get() as { n: number };
  const perOrder = Math.max(0, after - before) / count;
  await (await runtime.sendQueue()).obliterate({ force: true });
  await runtime.close();
  s.remove();
  const limit = await plainDelayedJobBytes(env, Math.min(count, 100_000));
  return {
    id: 3, name: `Redis memory per in-flight order (${count} with day14 pending)`, unit: 'bytes', value: perOrder,
    limitName: 'plain BullMQ delayed job, same run', limit, target: '<= 300 bytes', pass: perOrder <= 300 && pendingDay14.n === count,
    notes: `${pendingDay14.n} day14 sends pending in SQLite; Redis used_memory ${before} -> ${after} bytes`,
  };
}
