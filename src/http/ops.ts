import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Metrics } from '../metrics.js';

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check(): Promise<unknown>;
}

export interface OpsDeps {
  readiness: ReadinessCheck[];
  /** Served at /metrics here; unset: /metrics is not on this server (404). */
  metrics?: Metrics;
  /** Runs before /metrics (the admin basic auth). */
  metricsGuard?: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** Set: /metrics answers 503 with this message (no way to protect it is configured). */
  metricsRefused?: string;
}

const CHECK_TIMEOUT_MS = 1500;

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}

/**
 * /healthz: the process is alive. /readyz: Redis and the database answer (503
 * naming which do not). /metrics: Prometheus text format.
 */
export const opsRoutes: FastifyPluginAsync<{ deps: OpsDeps }> = async (app, { deps }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      deps.readiness.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return { name, ok: true as const };
        } catch (err) {
          return { name, ok: false as const, error: (err as Error).message };
        }
      }),
    );
    const failing = results.filter((r) => !r.ok);
    const checks = Object.fromEntries(results.map((r) => [r.name, r.ok ? 'ok' : r.error]));
    if (failing.length === 0) return { status: 'ready', checks };
    return reply.code(503).send({ status: 'unavailable', message: `not ready: ${failing.map((f) => f.name).join(', ')} unreachable`, checks });
  });

  if (deps.metricsRefused) {
    const message = deps.metricsRefused;
    app.get('/metrics', async (_request, reply) => reply.code(503).send({ error: 'metrics_protected', message }));
  } else if (deps.metrics) {
    const { registry } = deps.metrics;
    const guard = deps.metricsGuard;
    app.get('/metrics', { onRequest: guard ? [guard] : [] }, async (_request, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    });
  }
};
