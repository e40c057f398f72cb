import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/paths.js';
import { resolveRedisForDemo } from '../src/queue/resolve-redis.js';
import { dashboardFigure, type DashboardRow } from './figures/dashboard.js';
import { deliveryThroughput } from './figures/delivery.js';
import { redisMemoryPerOrder } from './figures/memory.js';
import { pacingFigure } from './figures/pacing.js';
import { scaleFigure, type ScaleRow } from './figures/scale.js';
import { schedulingThroughput } from './figures/scheduling.js';
import { timeliness } from './figures/timeliness.js';
import { webhookIngestion } from './figures/webhooks.js';
import type { BenchEnv, Figure } from './harness.js';
import { startSink } from './sink.js';

/**
 * `npm run bench [-- --quick]`: each figure measured beside its limit in the
 * same run, on the same machine; a table on stdout, JSON in bench/results/latest.json.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',').map(Number);
  const redis = await resolveRedisForDemo(process.env.REDIS_URL?.trim() || null);
  const sink = await startSink();
  const env: BenchEnv = { quick, redisUrl: redis.url, smtpUrl: sink.url };
  const figures: Figure[] = [];
  // BENCH_SCALE_SIZES=20000,100000 for an experiment at other sizes.
  const scaleSizes = process.env.BENCH_SCALE_SIZES ? process.env.BENCH_SCALE_SIZES.split(',').map(Number) : quick ? [2_000, 10_000] : process.argv.includes('--scale') ? [100_000, 1_000_000, 10_000_000] : [100_000, 1_000_000];
  let scale: ScaleRow[] = [];
  // BENCH_DASHBOARD_ORDERS=100000 for a quicker look; issue 23's budget is at 1,000,000.
  const dashboardOrders = Number(process.env.BENCH_DASHBOARD_ORDERS ?? (quick ? 20_000 : 1_000_000));
  let dashboard: DashboardRow | null = null;
  const steps: Array<[number, () => Promise<Figure>]> = [
    [1, () => deliveryThroughput(env, sink)],
    [2, () => schedulingThroughput(env)],
    [3, () => redisMemoryPerOrder(env)],
    [4, () => webhookIngestion(env)],
    [5, () => timeliness(env, sink)],
    [6, async () => {
      const result = await scaleFigure(env, scaleSizes);
      scale = result.rows;
      return result.figure;
    }],
    [7, async () => {
      const result = await dashboardFigure(env, dashboardOrders);
      dashboard = result.row;
      return result.figure;
    }],
    [8, () => pacingFigure(env)],
  ];
  const started = Date.now();
  for (const [id, step] of steps) {
    if (only && !only.includes(id)) continue;
    const figureStarted = Date.now();
    const figure = await step();
    figure.seconds = Math.round((Date.now() - figureStarted) / 1000);
    figures.push(figure);
    console.log(`#${figure.id} ${figure.name}: ${figure.value.toFixed(1)} ${figure.unit}` +
      (figure.limit !== null ? ` (limit ${figure.limit.toFixed(1)}, ${figure.limitName})` : '') +
      ` → ${figure.pass ? 'PASS' : 'MISS'} (${figure.seconds} s)`);
  }
  await sink.stop();
  await redis.ephemeral?.stop();
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  console.log('\n| # | figure | value | limit | target | result |\n|---|---|---|---|---|---|');
  for (const f of figures) {
    const ratio = f.limit ? ` (${(f.value / f.limit).toFixed(2)} x)` : '';
    console.log(`| ${f.id} | ${f.name} | ${f.value.toFixed(1)} ${f.unit}${ratio} | ${f.limit === null ? '-' : `${f.limit.toFixed(1)} (${f.limitName})`} | ${f.target} | ${f.pass ? 'pass' : 'MISS'} |`);
  }
  console.log(`\n${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; ${((Date.now() - started) / 1000).toFixed(0)} s${quick ? ', --quick' : ''}`);
  const out = join(PACKAGE_ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify({ at: new Date().toISOString(), quick, machine, figures, scale, dashboard }, null, 2));
  process.exitCode = quick && figures.some((f) => !Number.isFinite(f.value)) ? 1 : 0;
}

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : err}`);
  process.exit(1);
});
