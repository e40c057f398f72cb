import type { FastifyInstance } from 'fastify';
import type { WebRuntime } from './web-deps.js';
import { batcher } from '../queue/batcher.js';
import { buildHttpApp } from './app.js';
import { httpLimitsFrom } from './limits.js';
import { webhookSecretsFrom, type WebhookSecrets } from './secrets.js';

export interface HttpServer {
  /** Where it listens, e.g. http://127.0.0.1:3000 (the real port when asked for 0). */
  url: string;
  /** Where /metrics is, when it has a port of its own (POSTSHIP_METRICS_PORT). */
  metricsUrl?: string;
  /** Stops accepting, finishes in-flight requests. Safe to call twice. */
  close(): Promise<void>;
}

export interface HttpServerOptions {
  /** Default: the webhook secrets of process.env. */
  secrets?: WebhookSecrets;
  /** Default 0.0.0.0: providers call in from outside. */
  host?: string;
  /** How long a hand-over to Redis may take before its events are left to the sweep (logged). Default 2 s. */
  enqueueTimeoutMs?: number;
  /** Registers more plugins (ops, unsubscribe, admin) before listening: fastify refuses them after. */
  configure?(app: FastifyInstance): void | Promise<void>;
}

/** Builds the app on the runtime's database and queue and listens on `port` (0 = any free port). */
export async function startHttpServer(runtime: WebRuntime, port: number, options: HttpServerOptions = {}): Promise<HttpServer> {
  // Concurrent requests share one addBulk: the queue round trip is paid once per batch, not per webhook.
  // 10 ms of gathering is nothing beside a parcel's days in transit, and saves Redis hundreds of calls a second.
  const enqueue = batcher<number>((ids) => runtime.enqueueTrackingEvents(ids), {
    maxWaitMs: 10,
    timeoutMs: options.enqueueTimeoutMs ?? 2000,
  });
  const app = buildHttpApp({
    ledger: runtime.ledger,
    clock: runtime.clock,
    logger: runtime.logger,
    secrets: options.secrets ?? webhookSecretsFrom(process.env),
    enqueueTrackingEvents: enqueue,
    countPushedEvents: (n) => runtime.metrics().trackingEvents.inc({ source: 'push' }, n),
    limits: httpLimitsFrom(runtime.config),
    feedback: { deps: { ...runtime.orderDeps(), file: runtime.config.file }, promote: () => runtime.promote() },
  });
  await options.configure?.(app);
  const host = options.host ?? '0.0.0.0';
  await app.listen({ port, host });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}`,
    close: () => (closing ??= app.close()),
  };
}
