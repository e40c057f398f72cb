import { join } from 'node:path';
import { eventsOf } from '../../src/report/order-status.js';
import { parseFilter, type FilterFlags } from '../../src/store/send-list.js';
import { sendsPerDay } from '../../src/http/admin-page.js';
import { createMetrics } from '../../src/metrics.js';
import { promoteDue } from '../../src/queue/promoter.js';
import { reconcile } from '../../src/queue/reconcile.js';
import { listAtRisk, trackingAttention } from '../../src/services/at-risk.js';
import { learnedTransit } from '../../src/services/learned-transit.js';
import { findOrderForTracking } from '../../src/services/tracking.js';
import { watchDelays } from '../../src/services/watch.js';
import type { Config } from '../../src/config/config.js';
import { percentile, scratch, type BenchEnv, type Figure, type Scratch } from '../harness.js';
import { importAsProcess, ledgerBytes, STORES, writeOrdersCsv, writeSpread, type ImportFacts } from '../scale/ledger.js';

/**
 * How cost grows with the backlog (issue: a million parcels in flight on one
 * box). At each size: a real import, the spread of a real ledger, then the
 * per-tick costs for a fixed number of due rows, the p99 of each interactive
 * query over 100 calls, a /metrics scrape, export, and bytes per order.
 */

/** Rows made due before each tick is timed: the same number at every size. */
const DUE = 500;

export interface ScaleRow {
  orders: number;
  import: ImportFacts;
  bytesPerOrder: number;
  /** ms per due row, by tick. */
  tickMsPerDue: Record<string, number>;
  /** p99 ms over 100 calls, by interactive query. */
  p99Ms: Record<string, number>;
  metricsScrapeP99Ms: number;
  /** The daemon's first watch over a freshly imported ledger (every order looked at once). */
  firstWatchMs: number;
  exportRowsPerSecond: number;
  exportRssGrowthMb: number;
  /** Where this size's time went: building the ledger (import, spread) and measuring it. */
  seconds: { import: number; spread: number; measure: number };
}

/** A ledger one figure built and hands on (figure 6's largest to figure 7): its folder, config and size. */
export interface SharedLedger {
  scratch: Scratch;
  config: Config;
  orders: number;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** The ledger answers through Promises (on SQLite, the same synchronous query behind them): timed to the answer. */
async function p99(calls: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) samples.push(await timeAsync(() => fn(i)));
  return percentile(samples.sort((a, b) => a - b), 99);
}

const LIST_FILTERS: Array<[string, FilterFlags]> = [
  ['list --status scheduled', { status: 'scheduled' }],
  ['list --status sent --milestone day14', { status: 'sent', milestone: 'day14' }],
  ['list --carrier cainiao', { carrier: 'cainiao' }],
  ['list --country BR --status scheduled', { country: 'BR', status: 'scheduled' }],
  ['list --store store-7', { store: 'store-7' }],
  ['list --milestone day14', { milestone: 'day14' }],
  ['list --country JP (no parcel goes there)', { country: 'JP' }],
  ['list --since/--until (a week)', { since: new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10), until: new Date().toISOString().slice(0, 10) }],
  ['list (no filter)', {}],
];

/** One size measured; with `keep`, its ledger is handed to `keep` instead of removed (a later figure measures it again). */
async function measureSize(env: BenchEnv, orders: number, keep?: (ledger: SharedLedger) => void): Promise<ScaleRow> {
  const s = scratch(env);
  let kept = false;
  try {
    const started = performance.now();
    const config = s.config({ POSTSHIP_TRACKING: '17track', SEVENTEENTRACK_API_KEY: 'bench' });
    const csv = join(s.dir, 'orders.csv');
    await writeOrdersCsv(csv, orders);
    const imported = await importAsProcess(csv, {
      POSTSHIP_DB: config.dbPath, REDIS_URL: env.redisUrl, POSTSHIP_QUEUE_PREFIX: config.queuePrefix, POSTSHIP_CONFIG: config.configPath!,
      POSTSHIP_TRACKING: '17track', SEVENTEENTRACK_API_KEY: 'bench', LOG_LEVEL: 'silent',
    }, orders, join(s.dir, 'import-usage.json'));
    const importedAt = performance.now();
    writeSpread(config.dbPath);
    const spreadAt = performance.now();
    const bytesPerOrder = ledgerBytes(config.dbPath) / orders;

    const runtime = s.runtime(config);
    const ledger = runtime.ledger;
    // The setup's plain SQL (rows made due) goes straight to the file; what is timed goes through the ledger.
    const db = ledger.sqlite!;
    const now = () => Date.now();
    const promoter = { ...(await runtime.promoterDeps()) };
    // What the import queued and what is overdue: promoted (or skipped stale) once, and every order watched once,
    // as the daemon's first ticks would; what follows is the steady state.
    await promoteDue(promoter);
    const firstWatchMs = await timeAsync(() => watchDelays(runtime.orderDeps(), { limit: 10_000_000 }));
    await promoteDue(promoter); // the notices that first watch scheduled

    const ticks: Record<string, number> = {};
    // Each tick is timed twice on fresh due rows and the faster kept: the first pays for cold pages and JIT.
    const best = async (name: string, round: (seq: number) => Promise<number>) => {
      ticks[name] = Math.min(await round(0), await round(1));
    };
    const pick = () => db.$client.prepare(`SELECT order_id AS id FROM orders WHERE state = 'active' AND stage_rank < 3 ORDER BY random() LIMIT ${DUE}`).all() as Array<{ id: string }>;
    // promote: DUE rule sends due now.
    const insert = db.$client.prepare(`INSERT INTO sends (order_id, milestone, seq, status, due_at, created_at, updated_at) VALUES (?, 'delay', ?, 'scheduled', ?, ?, ?) ON CONFLICT DO NOTHING`);
    await best('promote', async (seq) => {
      const rows = pick();
      db.$client.transaction(() => rows.forEach((o) => insert.run(o.id, 7 + seq, now(), now(), now())))();
      let promoted = 0;
      const ms = await timeAsync(async () => (promoted = await promoteDue(promoter)));
      return ms / Math.max(1, promoted);
    });
    // reconcile: every queued row is checked against Redis (the rows due within the horizon).
    await best('reconcilePerQueued', async () => {
      const queuedRows = (db.$client.prepare(`SELECT count(*) AS n FROM sends WHERE status = 'queued'`).get() as { n: number }).n;
      return (await timeAsync(() => reconcile({ ...promoter, claimLeaseMs: config.claimLeaseMs }))) / Math.max(1, queuedRows);
    });
    // watch: DUE orders whose delay check has come.
    const setWatch = db.$client.prepare(`UPDATE orders SET watch_at = ? WHERE order_id = ?`);
    // The learned transit table is computed once per 10 minutes from every delivery: warm.
    await learnedTransit(ledger, 'china-post', 'US');
    await best('watch', async () => {
      const rows = pick();
      db.$client.transaction(() => rows.forEach((o) => setWatch.run(now() - 1000, o.id)))();
      let watched = 0;
      return (await timeAsync(async () => (watched = (await watchDelays(runtime.orderDeps())).checked))) / Math.max(1, watched);
    });
    // tracking poll selection: DUE registrations due now, claimed in 40s.
    const setPoll = db.$client.prepare(`UPDATE tracking_registrations SET due_at = ? WHERE order_id = ? AND state = 'registered'`);
    await best('pollSelection', async () => {
      const rows = pick();
      db.$client.transaction(() => rows.forEach((o) => setPoll.run(now() - 1000, o.id)))();
      let claimed = 0;
      const ms = await timeAsync(async () => {
        for (let n = -1; n !== 0; claimed += n) n = (await ledger.claimDue('17track', 'registered', now(), 40, now() + 60_000)).length;
      });
      return ms / Math.max(1, claimed);
    });
    // digest: the at-risk list and tracking attention for one store, per row listed.
    await best('digestPerRow', async () => {
      let listed = 0;
      const ms = await timeAsync(async () => {
        listed = (await listAtRisk(ledger, config.file, { now: now(), withinDays: 10, store: STORES[3] })).length + (await trackingAttention(ledger, { now: now(), store: STORES[3] })).length;
      });
      return ms / Math.max(1, listed);
    });

    const sample = db.$client.prepare(`SELECT order_id AS id, tracking_number AS tn, carrier, country FROM orders ORDER BY random() LIMIT 100`).all() as Array<{ id: string; tn: string; carrier: string; country: string }>;
    const p99Ms: Record<string, number> = {};
    p99Ms.status = await p99(100, async (i) => {
      const order = (await ledger.getOrder(sample[i].id))!;
      await ledger.sendsOfOrder(order.orderId);
      await eventsOf(ledger, order);
      await ledger.registrationOf(order.orderId);
    });
    p99Ms['admin search (tracking number)'] = await p99(100, (i) => findOrderForTracking(ledger, sample[i].tn, null));
    p99Ms['admin sends chart'] = await p99(20, () => sendsPerDay(ledger, now()));
    p99Ms['at-risk --store --limit 100'] = await p99(100, (i) => listAtRisk(ledger, config.file, { now: now(), withinDays: 10, store: STORES[i % 20], limit: 100 }));
    for (const [name, flags] of LIST_FILTERS) {
      const filter = parseFilter(flags);
      p99Ms[`${name} --limit 20`] = await p99(100, async (i) => {
        await ledger.countSends(filter);
        await ledger.listSends(filter, 20, (i % 5) * 20);
      });
    }
    p99Ms.transit = await p99(100, (i) => learnedTransit(ledger, sample[i].carrier, sample[i].country));
    p99Ms['tracking status'] = await p99(100, () => ledger.registrationCounts());

    const metrics = createMetrics({ ledger });
    // The first count (a thread started, every send read) lands before scrapes are timed, as in a daemon up for a while.
    for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      if ((await metrics.registry.metrics()).includes('postship_sends{')) break;
    }
    const scrapes: number[] = [];
    for (let i = 0; i < 20; i++) scrapes.push(await timeAsync(() => metrics.registry.metrics()));
    await metrics.stop();

    const rssBefore = process.memoryUsage().rss;
    let exported = 0;
    const exportMs = await timeAsync(async () => {
      for await (const _row of ledger.iterateSends(parseFilter({}))) exported += 1;
    });
    const exportRssGrowthMb = Math.max(0, process.memoryUsage().rss - rssBefore) / 2 ** 20;
    await runtime.close();
    if (keep) {
      keep({ scratch: s, config, orders });
      kept = true;
    }
    const secondsBetween = (a: number, b: number) => Math.round((b - a) / 1000);
    return {
      orders,
      import: imported,
      bytesPerOrder,
      tickMsPerDue: ticks,
      p99Ms,
      metricsScrapeP99Ms: percentile(scrapes.sort((a, b) => a - b), 99),
      firstWatchMs,
      exportRowsPerSecond: exported / (exportMs / 1000),
      exportRssGrowthMb,
      seconds: { import: secondsBetween(started, importedAt), spread: secondsBetween(importedAt, spreadAt), measure: secondsBetween(spreadAt, performance.now()) },
    };
  } finally {
    if (!kept) s.remove();
  }
}

export interface ScaleResult {
  figure: Figure;
  rows: ScaleRow[];
  /** The largest size's ledger, when `keepLargest` asked for it: the caller removes it. */
  largest: SharedLedger | null;
}

/** Figure 6: the cost of a tick per due row at the larger size over the smaller, and every interactive bound. */
export async function scaleFigure(env: BenchEnv, sizes: number[], keepLargest = false): Promise<ScaleResult> {
  const rows: ScaleRow[] = [];
  let largest: SharedLedger | null = null;
  for (const [i, size] of sizes.entries()) {
    rows.push(await measureSize(env, size, keepLargest && i === sizes.length - 1 ? (ledger) => (largest = ledger) : undefined));
    console.log(`  scale ${size.toLocaleString('en')}: ${JSON.stringify(rows.at(-1))}`);
  }
  const [small, large] = [rows[0], rows[rows.length - 1]];
  const growth = Object.fromEntries(Object.keys(small.tickMsPerDue).map((k) => [k, large.tickMsPerDue[k] / small.tickMsPerDue[k]]));
  const worstGrowth = Math.max(...Object.values(growth));
  const slowQuery = Object.entries(large.p99Ms).sort((a, b) => b[1] - a[1])[0];
  const misses = [
    ...Object.entries(growth).filter(([, g]) => g > 1.5).map(([k, g]) => `${k} grows ${g.toFixed(2)} x`),
    ...Object.entries(large.p99Ms).filter(([, ms]) => ms >= 100).map(([k, ms]) => `${k} p99 ${ms.toFixed(0)} ms`),
    ...(large.metricsScrapeP99Ms >= 250 ? [`/metrics p99 ${large.metricsScrapeP99Ms.toFixed(0)} ms`] : []),
    ...(large.exportRowsPerSecond < 100_000 ? [`export ${large.exportRowsPerSecond.toFixed(0)} rows/s`] : []),
  ];
  return {
    rows,
    largest,
    figure: {
      id: 6,
      name: `scale: tick cost per due row, ${large.orders.toLocaleString('en')} vs ${small.orders.toLocaleString('en')} orders (worst)`,
      unit: 'x',
      value: worstGrowth,
      limitName: 'flat',
      limit: 1.5,
      target: '<= 1.5 x; p99 < 100 ms; /metrics < 250 ms; export >= 100k rows/s',
      pass: misses.length === 0,
      notes: `${misses.length ? `misses: ${misses.join('; ')}. ` : ''}slowest query ${slowQuery[0]} p99 ${slowQuery[1].toFixed(1)} ms`,
    },
  };
}
