import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { startWebServer } from '../../src/http/web.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { ledgerScratch, profiled, type BenchEnv, type Figure } from '../harness.js';

const run = promisify(execFile);
const SECRET = 'bench-secret';

interface Load {
  requestsPerSecond: number;
  p99: number;
  p50: number;
  non2xx: number;
  errors: number;
  total: number;
}

async function load(url: string, seconds: number): Promise<Load> {
  const { stdout } = await run(process.execPath, [join(PACKAGE_ROOT, 'dist/bench/load.js'), url, String(seconds), '50'], {
    env: { ...process.env, AFTERSHIP_WEBHOOK_SECRET: SECRET },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as Load;
}

/** A server under load: its URL, and how to stop it. */
interface Target {
  url: string;
  close(): Promise<void>;
}

/** The limit: a bare fastify route that parses the JSON body and answers 200. */
async function bareRoute(): Promise<Target> {
  const app = Fastify({ bodyLimit: 1 << 20 });
  app.post('/webhooks/aftership', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/webhooks/aftership`, close: () => app.close() };
}

/** postship's receiver: verify, parse, store in the ledger (SQLite or PostgreSQL), queue the apply job, answer 202. */
async function receiver(env: BenchEnv): Promise<Target> {
  const s = await ledgerScratch(env);
  const runtime = s.runtime(s.config());
  runtime.logger.level = 'silent';
  const server = await startWebServer(runtime, { port: 0, roles: ['web'], env: { AFTERSHIP_WEBHOOK_SECRET: SECRET }, host: '127.0.0.1' });
  return {
    url: `${server.url}/webhooks/aftership`,
    async close() {
      await server.close();
      await (await runtime.sendQueue()).obliterate({ force: true });
      await runtime.close();
      await s.remove();
    },
  };
}

/** Totals over rounds: requests, seconds, this process's CPU, and the worst p99 of any round. */
class Rounds {
  total = 0;
  seconds = 0;
  cpuMicros = 0;
  p99 = 0;
  p50 = 0;
  non2xx = 0;
  errors = 0;
  async run(url: string, seconds: number, profile?: string): Promise<void> {
    const cpu = process.cpuUsage();
    const result = profile ? await profiled(profile, () => load(url, seconds)) : await load(url, seconds);
    const used = process.cpuUsage(cpu);
    this.cpuMicros += used.user + used.system;
    this.total += result.total;
    this.seconds += seconds;
    this.p99 = Math.max(this.p99, result.p99);
    this.p50 = Math.max(this.p50, result.p50);
    this.non2xx += result.non2xx;
    this.errors += result.errors;
  }
  get perSecond(): number {
    return this.total / this.seconds;
  }
  get cpuPerRequest(): number {
    return this.cpuMicros / this.total;
  }
}

/**
 * Alternating rounds (limit, receiver, limit, receiver), each side the total
 * of its rounds: on a shared machine whose speed drifts by the minute, both
 * sides then see the same stretches of it.
 */
export async function webhookIngestion(env: BenchEnv): Promise<Figure> {
  const seconds = env.quick ? 3 : 10;
  const rounds = env.quick ? 1 : 2;
  const limitTarget = await bareRoute();
  const ourTarget = await receiver(env);
  const limit = new Rounds();
  const ours = new Rounds();
  try {
    for (let round = 1; round <= rounds; round++) {
      await limit.run(limitTarget.url, seconds);
      await ours.run(ourTarget.url, seconds, `webhook-receiver-${round}`);
    }
  } finally {
    await limitTarget.close();
    await ourTarget.close();
  }
  const ok = ours.non2xx === 0 && ours.errors === 0;
  return {
    id: 4, name: `webhook ingestion, signed AfterShip (${rounds} x ${seconds} s, 50 connections)`, unit: 'req/s', value: ours.perSecond,
    limitName: 'bare fastify route', limit: limit.perSecond, target: '>= 0.5 x limit, p99 < 50 ms',
    pass: ok && ours.perSecond >= 0.5 * limit.perSecond && ours.p99 < 50,
    notes:
      `p99 ${ours.p99} ms (limit ${limit.p99} ms), p50 ${ours.p50} ms (worst round), ${ours.total} requests, ${ours.non2xx} non-2xx, ${ours.errors} errors; ` +
      `server CPU per request ${ours.cpuPerRequest.toFixed(0)} us (limit ${limit.cpuPerRequest.toFixed(0)} us)`,
  };
}
