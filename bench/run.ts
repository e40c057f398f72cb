import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/paths.js';
import { resolveRedisForDemo } from '../src/queue/resolve-redis.js';
import { dashboardFigure, dashboardJson, dashboardTable, type DashboardResult } from './figures/dashboard.js';
import { deliveryThroughput } from './figures/delivery.js';
import { redisMemoryPerOrder } from './figures/memory.js';
import { pacingFigure } from './figures/pacing.js';
import { scaleFigure, type ScaleRow, type SharedLedger } from './figures/scale.js';
import { schedulingThroughput } from './figures/scheduling.js';
import { timeliness } from './figures/timeliness.js';
import { webhookIngestion } from './figures/webhooks.js';
import type { BenchEngine, BenchEnv, Figure } from './harness.js';
import { DURABILITY, findPostgresBin, startBenchPostgres, type BenchPostgres, type Durability } from './postgres.js';
import { startSink } from './sink.js';

/** Figures whose ledger `--db` chooses; the others run on SQLite only (their set-up writes the SQLite file directly). */
const LEDGER_FIGURES = new Set([1, 2, 4]);
/** Figures that take every engine of `--db` in one step (one ledger built, then copied) and return a figure per engine. */
const ONE_LEDGER_FIGURES = new Set([7]);

/** `--db sqlite|postgres|both` (or `--db=...`): the engines figures 1, 2, 4 and 7 run on; SQLite when absent. */
function engines(argv: string[]): BenchEngine[] {
  const at = argv.findIndex((a) => a === '--db' || a.startsWith('--db='));
  if (at < 0) return ['sqlite'];
  const value = argv[at].startsWith('--db=') ? argv[at].slice(5) : argv[at + 1];
  if (value === 'sqlite' || value === 'postgres') return [value];
  if (value === 'both') return ['sqlite', 'postgres'];
  throw new Error(`--db takes sqlite, postgres or both (got ${value ?? 'nothing'})`);
}

function durability(): Durability {
  const value = process.env.BENCH_PG_DURABILITY ?? 'full';
  if (!(value in DURABILITY)) throw new Error(`BENCH_PG_DURABILITY takes ${Object.keys(DURABILITY).join(', ')} (got ${value})`);
  return value as Durability;
}

const ENGINE_NAME: Record<BenchEngine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/**
 * `npm run bench [-- --quick] [--only=1,2,4] [--db sqlite|postgres|both]`: each
 * figure measured beside its limit in the same run, on the same machine; a
 * table on stdout, JSON in bench/results/latest.json. With `--db both`, each
 * of figures 1, 2 and 4 runs on SQLite, then straight after on PostgreSQL (a
 * throw-away server the bench starts), each beside its own limit, measured
 * again in its turn; figure 7 builds its ledger once, on SQLite, measures it
 * there and then copied to PostgreSQL (`postship db copy`); `--quick` stays on
 * SQLite unless `--db` says otherwise. `--only=7` runs the dashboard alone.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',').map(Number);
  const dbs = engines(process.argv);
  let postgres: BenchPostgres | undefined;
  if (dbs.includes('postgres')) {
    postgres = await startBenchPostgres(findPostgresBin(), durability());
    console.log(`PostgreSQL ${postgres.version}, a throw-away server on this machine (${postgres.settings.join(', ')}; other settings at their defaults): ` +
      `${DURABILITY[postgres.durability].note}. BENCH_PG_DURABILITY=full|normal|off changes it.`);
  }
  const redis = await resolveRedisForDemo(process.env.REDIS_URL?.trim() || null);
  const sink = await startSink();
  const base: BenchEnv = { quick, redisUrl: redis.url, smtpUrl: sink.url, engine: 'sqlite', postgres };
  const figures: Figure[] = [];
  const pgFigures: Figure[] = [];
  // BENCH_SCALE_SIZES=20000,100000 for an experiment at other sizes.
  const scaleSizes = process.env.BENCH_SCALE_SIZES ? process.env.BENCH_SCALE_SIZES.split(',').map(Number) : quick ? [2_000, 10_000] : process.argv.includes('--scale') ? [100_000, 1_000_000, 10_000_000] : [100_000, 1_000_000];
  let scale: ScaleRow[] = [];
  // BENCH_DASHBOARD_ORDERS=100000 for a quicker look; issue 23's budget is at 1,000,000.
  const dashboardOrders = Number(process.env.BENCH_DASHBOARD_ORDERS ?? (quick ? 20_000 : 1_000_000));
  let dashboard: DashboardResult | null = null;
  // Figure 6's largest ledger, measured again by figure 7 when it is the same size: a million orders imported once, not twice.
  const shareLedger = (!only || (only.includes(6) && only.includes(7))) && dashboardOrders === Math.max(...scaleSizes);
  let shared: SharedLedger | null = null;
  const steps: Array<[number, (env: BenchEnv) => Promise<Figure | Figure[]>]> = [
    [1, (env) => deliveryThroughput(env, sink)],
    [2, (env) => schedulingThroughput(env)],
    [3, (env) => redisMemoryPerOrder(env)],
    [4, (env) => webhookIngestion(env)],
    [5, (env) => timeliness(env, sink)],
    [6, async (env) => {
      const result = await scaleFigure(env, scaleSizes, shareLedger);
      scale = result.rows;
      shared = result.largest;
      return result.figure;
    }],
    [7, async (env) => {
      try {
        dashboard = await dashboardFigure(env, dashboardOrders, dbs, shared);
      } finally {
        shared = null; // dashboardFigure removes it
      }
      return dashboard.figures;
    }],
    [8, (env) => pacingFigure(env)],
  ];
  const started = Date.now();
  const load = [loadAverage()];
  // Without --db (or with --db sqlite) the output reads as it did before PostgreSQL joined.
  const several = dbs.length > 1 || dbs[0] !== 'sqlite';
  try {
    for (const [id, step] of steps) {
      if (only && !only.includes(id)) continue;
      const report = (figure: Figure) => {
        const engine = figure.engine ?? 'sqlite';
        (engine === 'postgres' ? pgFigures : figures).push(figure);
        console.log(`#${figure.id}${several ? ` [${ENGINE_NAME[engine]}]` : ''} ${figure.name}: ${figure.value.toFixed(1)} ${figure.unit}` +
          (figure.limit !== null ? ` (limit ${figure.limit.toFixed(1)}, ${figure.limitName})` : '') +
          ` → ${figure.pass ? 'PASS' : 'MISS'} (${figure.seconds} s)`);
      };
      if (ONE_LEDGER_FIGURES.has(id)) {
        // The step times each engine's share itself.
        for (const figure of [await step({ ...base, engine: dbs[0] })].flat()) report(figure);
        continue;
      }
      for (const engine of LEDGER_FIGURES.has(id) ? dbs : ['sqlite' as const]) {
        if (!LEDGER_FIGURES.has(id) && !dbs.includes('sqlite')) {
          console.log(`#${id} skipped: measured on SQLite only (--db ${dbs.join(',')})`);
          continue;
        }
        const figureStarted = Date.now();
        for (const figure of [await step({ ...base, engine })].flat()) {
          figure.seconds = Math.round((Date.now() - figureStarted) / 1000);
          figure.engine = engine;
          report(figure);
        }
      }
    }
  } finally {
    await (shared as SharedLedger | null)?.scratch.remove();
    await sink.stop();
    await redis.ephemeral?.stop();
    // PostgreSQL stops once the results are written (or, on a failure, as the process exits: see bench/postgres.ts).
  }
  load.push(loadAverage());
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  // Figure by figure, each engine's row beside the other's.
  const all = [...figures, ...pgFigures].sort((a, b) => a.id - b.id || (a.engine === 'sqlite' ? -1 : 1));
  console.log(`\n| # | figure |${several ? ' ledger |' : ''} value | limit | target | result |\n|---|---|${several ? '---|' : ''}---|---|---|---|`);
  for (const f of all) {
    const ratio = f.limit ? ` (${(f.value / f.limit).toFixed(2)} x)` : '';
    console.log(`| ${f.id} | ${f.name} |${several ? ` ${ENGINE_NAME[f.engine ?? 'sqlite']} |` : ''} ${f.value.toFixed(1)} ${f.unit}${ratio} | ${f.limit === null ? '-' : `${f.limit.toFixed(1)} (${f.limitName})`} | ${f.target} | ${f.pass ? 'pass' : 'MISS'} |`);
  }
  const views = dashboardTable((dashboard as DashboardResult | null) ?? { figures: [], sqlite: null, postgres: null });
  if (views.length > 0) console.log(`\n${views.join('\n')}`);
  console.log(`\n${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; ${((Date.now() - started) / 1000).toFixed(0)} s${quick ? ', --quick' : ''}; ` +
    `load average (1, 5, 15 min) ${load[0].join(' ')} before, ${load[1].join(' ')} after`);
  if (postgres) {
    console.log(`PostgreSQL ${postgres.version} (${postgres.settings.join(', ')}): ${DURABILITY[postgres.durability].note}.`);
  }
  const out = join(PACKAGE_ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify({
    at: new Date().toISOString(), quick, machine, loadAverage: { before: load[0], after: load[1] },
    // `figures` is the SQLite ledger's, as before `--db`; `postgres` holds the same figures measured on PostgreSQL, each with its own limit.
    figures, scale, dashboard: dashboardJson(dashboard),
    ...(postgres ? { postgres: { server: { version: postgres.version, durability: postgres.durability, settings: postgres.settings, note: DURABILITY[postgres.durability].note }, figures: pgFigures } } : {}),
  }, null, 2));
  postgres?.stop();
  process.exitCode = quick && all.some((f) => !Number.isFinite(f.value)) ? 1 : 0;
}

/** The 1, 5 and 15 minute load averages, as /proc/loadavg has them. */
function loadAverage(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : err}`);
  process.exit(1);
});
