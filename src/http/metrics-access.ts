import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { InputError } from '../domain/errors.js';
import type { Metrics } from '../metrics.js';
import { httpLogger } from './log.js';

/**
 * Where /metrics is served. Its series (sends by country and carrier, queue
 * sizes, webhook outcomes) are business data: never open on the public port.
 * - `POSTSHIP_METRICS_PORT` set: on a listener of its own, without auth, bound
 *   to `POSTSHIP_METRICS_HOST` (default 127.0.0.1), for a Prometheus on the
 *   same host or private network; the public port answers 404.
 * - unset: on the public port behind the admin basic auth (Prometheus'
 *   `basic_auth`); without admin credentials it answers 503 saying so.
 */
export interface MetricsAccess {
  port: number | null;
  host: string;
}

export function metricsAccessFrom(env: Record<string, string | undefined>): MetricsAccess {
  const raw = env.POSTSHIP_METRICS_PORT?.trim();
  const host = env.POSTSHIP_METRICS_HOST?.trim() || '127.0.0.1';
  if (!raw) return { port: null, host };
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InputError('metrics_port_invalid', [`POSTSHIP_METRICS_PORT: ${JSON.stringify(raw)} must be a port number from 0 to 65535`]);
  }
  return { port, host };
}

export const METRICS_NEED_AUTH =
  '/metrics needs the admin credentials (POSTSHIP_ADMIN_USER / POSTSHIP_ADMIN_PASSWORD, sent as basic auth) or a port of its own (POSTSHIP_METRICS_PORT)';

/** The separate metrics listener; resolves with its URL and a close. */
export async function startMetricsListener(metrics: Metrics, access: MetricsAccess & { port: number }, logger: Logger): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ loggerInstance: httpLogger(logger) }) as unknown as FastifyInstance;
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  await app.listen({ port: access.port, host: access.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : access.port;
  let closing: Promise<void> | null = null;
  return { url: `http://${access.host.includes(':') ? `[${access.host}]` : access.host}:${port}`, close: () => (closing ??= app.close()) };
}
