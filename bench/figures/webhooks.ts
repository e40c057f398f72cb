import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { startWebServer } from '../../src/http/web.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { profiled, scratch, type BenchEnv, type Figure } from '../harness.js';

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

/** The limit: a bare fastify route that parses the JSON body and answers 200. */
async function bareRoute(seconds: number): Promise<Load> {
  const app = Fastify({ bodyLimit: 1 << 20 });
  app.post('/webhooks/aftership', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    return await load(`http://127.0.0.1:${port}/webhooks/aftership`, seconds);
  } finally {
    await app.close();
  }
}

/** postship's receiver: verify, parse, store in SQLite, queue the apply job, answer 202. */
async function receiver(env: BenchEnv, seconds: number): Promise<Load> {
  const s = scratch(env);
  const runtime = s.runtime(s.config());
  runtime.logger.level = 'silent';
  const server = await startWebServer(runtime, { port: 0, roles: ['web'], env: { AFTERSHIP_WEBHOOK_SECRET: SECRET }, host: '127.0.0.1' });
  try {
    return await profiled('webhook-receiver', () => load(`${server.url}/webhooks/aftership`, seconds));
  } finally {
    await server.close();
    await (await runtime.sendQueue()).obliterate({ force: true });
    await runtime.close();
    s.remove();
  }
}

export async function webhookIngestion(env: BenchEnv): Promise<Figure> {
  const seconds = env.quick ? 3 : 10;
  const limit = await bareRoute(seconds);
  const ours = await receiver(env, seconds);
  const ok = ours.non2xx === 0 && ours.errors === 0;
  return {
    id: 4, name: `webhook ingestion, signed AfterShip (${seconds} s, 50 connections)`, unit: 'req/s', value: ours.requestsPerSecond,
    limitName: 'bare fastify route', limit: limit.requestsPerSecond, target: '>= 0.5 x limit, p99 < 50 ms',
    pass: ok && ours.requestsPerSecond >= 0.5 * limit.requestsPerSecond && ours.p99 < 50,
    notes: `p99 ${ours.p99} ms (limit ${limit.p99} ms), p50 ${ours.p50} ms, ${ours.total} requests, ${ours.non2xx} non-2xx, ${ours.errors} errors`,
  };
}
