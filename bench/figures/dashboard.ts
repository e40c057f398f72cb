import { join } from 'node:path';
import Fastify from 'fastify';
import { adminGuard } from '../../src/http/admin-guard.js';
import { adminPageRoutes } from '../../src/http/admin-page.js';
import Database from 'better-sqlite3';
import type { Config } from '../../src/config/config.js';
import type { ConfigFile } from '../../src/config/config-file.js';
import type { Ledger } from '../../src/store/ledger-api.js';
import { percentile, scratch, type BenchEnv, type Figure, type Scratch } from '../harness.js';
import { importAsProcess, STORES, writeOrdersCsv, writeSpread } from '../scale/ledger.js';

/** Issue 23: each dashboard view renders in under this on a 1,000,000-order ledger. */
export const VIEW_BUDGET_MS = 300;
const CALLS = 20;
const DAY = 86_400_000;

export interface DashboardRow {
  orders: number;
  /** p99 ms over CALLS requests, by view (query string included). */
  p99Ms: Record<string, number>;
}

/**
 * What a dashboard view costs on a big ledger: the scale figure's import and
 * spread, then (plain SQL, as months of sending would have left) a third of
 * the shipped letters sent, bounced addresses, open disputes and rejected
 * registrations; every write goes through the ledger's triggers, so the count
 * tables are what the daemon would have kept. Each view is requested CALLS
 * times through the real routes (fastify inject, basic auth) and its p99 kept.
 */
/** The scale figure's ledger plus what months of sending would have left; returns the database path. */
export async function buildDashboardLedger(env: BenchEnv, s: Scratch, orders: number): Promise<Config> {
  const config = s.config({ POSTSHIP_TRACKING: '17track', SEVENTEENTRACK_API_KEY: 'bench' });
  const csv = join(s.dir, 'orders.csv');
  await writeOrdersCsv(csv, orders);
  await importAsProcess(csv, {
    POSTSHIP_DB: config.dbPath, REDIS_URL: env.redisUrl, POSTSHIP_QUEUE_PREFIX: config.queuePrefix, POSTSHIP_CONFIG: config.configPath!,
    POSTSHIP_TRACKING: '17track', SEVENTEENTRACK_API_KEY: 'bench', LOG_LEVEL: 'silent',
  }, orders, join(s.dir, 'import-usage.json'));
  writeSpread(config.dbPath);
  const db = new Database(config.dbPath);
  const now = Date.now();
  db.transaction(() => {
    // A third of the orders' shipped letters went out when due (ids come three to an order, so by id / 3).
    db.prepare(`UPDATE sends SET status = 'sent', sent_at = min(due_at, ?), updated_at = ? WHERE milestone = 'shipped' AND status IN ('scheduled', 'skipped') AND (id / 3) % 3 = 0`).run(now, now);
    db.prepare(`INSERT INTO suppressions (email, scope, reason, created_at) SELECT buyer_email, 'all', 'hard bounce: 550 5.1.1 no such user', shipped_at + ${DAY} FROM orders WHERE rowid % 500 = 7 ON CONFLICT DO NOTHING`).run();
    db.prepare(`INSERT INTO disputes (order_id, seq, reason, opened_at) SELECT order_id, 0, 'not_received', shipped_at + 20 * ${DAY} FROM orders WHERE state = 'active' AND rowid % 1000 = 3`).run();
    db.prepare(`UPDATE tracking_registrations SET state = 'rejected', last_error = '17TRACK -18019903: The carrier cannot be detected.', due_at = NULL WHERE rowid % 1000 = 11`).run();
  })();
  db.exec('ANALYZE');
  db.close();
  return config;
}

/** Each view requested CALLS times through the real routes (fastify inject, basic auth): p99 ms by URL. */
export async function measureViews(ledger: Ledger, file: ConfigFile, orders: number): Promise<Record<string, number>> {
  const credentials = { user: 'bench', password: 'bench-password-long' };
  const app = Fastify();
  await app.register(adminPageRoutes, { deps: { guard: adminGuard(credentials), ledger, file, zone: 'Europe/Madrid', now: () => Date.now() } });
  await app.ready();
  const authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  const views = [
    '/admin', `/admin?store=${STORES[3]}`, '/admin?period=90', '/admin/lanes', '/admin/lanes?country=US&period=7',
    '/admin/letters', `/admin/letters?store=${STORES[5]}&period=90`, '/admin/orders?stage=in_transit', '/admin/orders?stage=delivered', `/admin/orders?stage=no_feed&store=${STORES[2]}`,
    `/admin/order?q=B${Math.floor(orders / 2)}`, `/admin/order?q=buyer${Math.floor(orders / 3)}%40example.com`, `/admin/order?q=TN${String(orders - 1).padStart(10, '0')}CN`,
    '/admin/gallery?milestone=customs&locale=es', '/admin.csv?table=attention', '/admin/lanes.csv?table=lanes',
  ];
  const p99Ms: Record<string, number> = {};
  try {
    for (const url of views) {
      const first = await app.inject({ url, headers: { authorization } });
      if (first.statusCode !== 200) throw new Error(`${url}: ${first.statusCode} ${first.body.slice(0, 300)}`);
      const samples: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const started = performance.now();
        await app.inject({ url, headers: { authorization } });
        samples.push(performance.now() - started);
      }
      p99Ms[url] = percentile(samples.sort((a, b) => a - b), 99);
    }
  } finally {
    await app.close();
  }
  return p99Ms;
}

export async function dashboardFigure(env: BenchEnv, orders: number): Promise<{ figure: Figure; row: DashboardRow }> {
  const s = scratch(env);
  try {
    const config = await buildDashboardLedger(env, s, orders);
    const runtime = s.runtime(config);
    const p99Ms = await measureViews(runtime.ledger, config.file, orders);
    await runtime.close();
    const views = Object.keys(p99Ms);
    const worst = Math.max(...Object.values(p99Ms));
    const slowest = Object.entries(p99Ms).sort((a, b) => b[1] - a[1])[0]![0];
    return {
      row: { orders, p99Ms },
      figure: {
        id: 7, name: `dashboard: slowest view's p99 at ${orders.toLocaleString('en')} orders`, unit: 'ms', value: worst,
        limitName: 'issue 23 budget per view', limit: VIEW_BUDGET_MS, target: '<= 1.0 x limit', pass: worst <= VIEW_BUDGET_MS,
        notes: `${views.length} views x ${CALLS} requests (fastify inject, basic auth); slowest ${slowest}; ${Object.entries(p99Ms).map(([u, ms]) => `${u} ${ms.toFixed(1)}`).join('; ')}`,
      },
    };
  } finally {
    s.remove();
  }
}
