import { join } from 'node:path';
import { DateTime } from 'luxon';
import { scheduleUpkeep, startSendWorker } from '../jobs/worker.js';
import { loadConfig } from './config/config.js';
import type { TrackingOutcome } from './domain/tracking-status.js';
import { createLogger } from './logger.js';
import { PACKAGE_ROOT } from './paths.js';
import { resolveRedisForDemo } from './queue/resolve-redis.js';
import { formatTimeline, timelineOf } from './report/timeline.js';
import { LONG_RUNNING, Runtime } from './runtime.js';
import { cancelOrder, enterOrder } from './services/orders.js';
import { applyStoredEvent, applyUnmatchedEvents } from './services/tracking.js';
import { PENDING_STATUSES } from './store/ledger.js';

/**
 * `npm run demo`: the whole pipeline on embedded defaults with time compressed
 * to seconds. Real SQLite file, real Redis (a private one if none is around),
 * real worker, emails as .eml files in ./outbox unless SMTP_URL is set.
 */
const run = DateTime.utc().toFormat('MMddHHmmss');
const id = (n: number) => `DEMO-${run}-${n}`;

const SAMPLE_ORDERS = [
  { n: 1, store: 'acme', name: 'Lucía García', email: 'lucia.garcia@example.com', country: 'ES', carrier: 'china-post', tracking: `RR${run}1CN` },
  { n: 2, store: 'acme', name: 'John Smith', email: 'john.smith@example.com', country: 'US', carrier: 'epacket', tracking: `LX${run}2CN` },
  { n: 3, store: 'acme', name: 'Ana Souza', email: 'ana.souza@example.com', country: 'BR', carrier: 'aliexpress-standard', tracking: `LP${run}3` },
  { n: 4, store: 'default', name: 'Ivan Petrov', email: 'ivan.petrov@example.com', country: 'RU', carrier: 'china-ems', tracking: `EE${run}4CN` },
  { n: 5, store: 'default', name: 'Camille Martin', email: 'camille.martin@example.com', country: 'FR', carrier: 'yanwen', tracking: `UG${run}5YP` },
  { n: 6, store: 'acme', name: 'Jonas Weber', email: 'jonas.weber@example.com', country: 'DE', carrier: 'dhl', tracking: `${run}6` },
  { n: 7, store: 'default', name: 'Olivia Brown', email: 'olivia.brown@example.com', country: 'AU', carrier: '4px', tracking: `4PX${run}7`, shippedDaysAgo: 5 },
];

/** Simulated tracking webhooks: seconds after start, tracking number, outcome. */
const EVENTS: Array<[number, number, TrackingOutcome]> = [
  [2, 1, 'customs'], [2, 3, 'customs'], [3, 4, 'post_office'], [3, 5, 'returned'],
  [4, 4, 'customs'], // arrives after post_office: out of order, must not move the parcel back
  [5, 1, 'post_office'], [5, 2, 'post_office'], [6, 3, 'delivered'],
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const env: Record<string, string | undefined> = { ...process.env, POSTSHIP_CONFIG: process.env.POSTSHIP_CONFIG ?? join(PACKAGE_ROOT, 'scripts/demo.config.json') };
  const redis = await resolveRedisForDemo(env.REDIS_URL?.trim() || null);
  const config = {
    ...loadConfig(env),
    redisUrl: redis.url,
    queuePrefix: env.POSTSHIP_QUEUE_PREFIX ?? 'postship-demo',
    promoteEveryMs: 1000,
  };
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const runtime = new Runtime(config, { ...LONG_RUNNING, logger });
  console.log(`postship demo: database ${config.dbPath}`);
  console.log(`               redis    ${redis.ephemeral ? `${redis.url} (private, throw-away)` : redis.url}`);
  console.log(`               mail     ${runtime.transport().description}\n`);
  const deps = await runtime.jobDeps();
  const worker = startSendWorker(deps, { connection: await runtime.redis(), concurrency: 10 });
  await scheduleUpkeep(deps);

  const start = Date.now();
  for (const o of SAMPLE_ORDERS) {
    const shippedAt = DateTime.utc().minus({ days: o.shippedDaysAgo ?? 0 }).toISO();
    const result = await enterOrder(runtime.orderDeps(), {
      orderId: id(o.n), store: o.store, buyer: { name: o.name, email: o.email },
      country: o.country, carrier: o.carrier, trackingNumber: o.tracking, shippedAt,
    });
    await applyUnmatchedEvents(runtime.orderDeps(), result.order);
    console.log(`enqueued ${id(o.n)}  ${o.country}  ${result.order.carrier.padEnd(10)} ${result.sends.map((s) => s.milestone).join(', ')}`);
  }
  await runtime.promote();
  const cancelled = await cancelOrder(runtime.orderDeps(), id(6), 'refund');
  await runtime.removeJobs(cancelled);
  console.log(`cancelled ${id(6)} (refund)\n`);

  for (const [at, n, outcome] of EVENTS) {
    await sleep(Math.max(0, start + at * 1000 - Date.now()));
    const order = SAMPLE_ORDERS.find((o) => o.n === n)!;
    const event = {
      provider: 'demo', dedupKey: `${order.tracking}.${outcome}.${at}`, trackingNumber: order.tracking, carrier: null,
      providerStatus: outcome, outcome, occurredAt: DateTime.utc().toISO(),
    };
    const stored = await runtime.ledger.recordTrackingEvent(event, JSON.stringify(event), Date.now());
    if (stored.stored) console.log(`tracking  ${id(n)}  ${outcome.padEnd(11)} → ${await applyStoredEvent(runtime.orderDeps(), stored.id)}`);
    await runtime.promote();
  }

  const pending = async () => {
    const sends = await Promise.all(SAMPLE_ORDERS.map((o) => runtime.ledger.sendsOfOrder(id(o.n))));
    return sends.flat().filter((s) => PENDING_STATUSES.includes(s.status));
  };
  while ((await pending()).length > 0 && Date.now() - start < 50_000) await sleep(250);

  console.log('\nTimelines\n');
  for (const o of SAMPLE_ORDERS) {
    const order = (await runtime.ledger.getOrder(id(o.n)))!;
    console.log(formatTimeline(order, timelineOf(order, await runtime.ledger.sendsOfOrder(order.orderId))), '\n');
  }
  const left = (await pending()).length;
  console.log(left === 0 ? `done in ${((Date.now() - start) / 1000).toFixed(1)} s; emails in ${config.smtpUrl ? 'your SMTP server' : config.outbox}` : `${left} messages still pending`);
  await worker.close();
  await runtime.close();
  await redis.ephemeral?.stop();
  process.exitCode = left === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : err}`);
  if (err?.hint) console.error(err.hint);
  process.exit(1);
});
