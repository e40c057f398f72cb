import Fastify, { type FastifyInstance } from 'fastify';
import type { Role } from '../roles.js';
import type { WebRuntime } from './web-deps.js';
import { resolveUnsubscribeSecret } from '../services/unsubscribe-secret.js';
import { adminRoutes } from './admin.js';
import { apiDepsOf, apiRoutes } from './api/index.js';
import { storePlatformRoutes } from './webhooks/store-platforms.js';
import { adminCredentialsFrom, adminGuard, adminQueueWritesFrom, type AdminGuard } from './admin-guard.js';
import { METRICS_NEED_AUTH, metricsAccessFrom, startMetricsListener } from './metrics-access.js';
import { adminPageDeps, adminPageRoutes } from './admin-page.js';
import { httpErrorHandler } from './errors.js';
import { httpLimitsFrom, limitedServerOptions } from './limits.js';
import { httpLogger } from './log.js';
import { opsRoutes, type ReadinessCheck } from './ops.js';
import { webhookSecretsFrom } from './secrets.js';
import { startHttpServer, type HttpServer } from './server.js';
import { unsubscribeRoutes } from './unsubscribe.js';
import { WEBHOOK_ROUTES } from './webhooks/index.js';

export interface WebServerOptions {
  port: number;
  roles: readonly Role[];
  env: Record<string, string | undefined>;
  host?: string;
  /** More readiness checks, e.g. the daemon's "worker still starting". */
  readiness?: ReadinessCheck[];
}

/** Path names under /webhooks/, e.g. `aftership`, `17track`. */
const WEBHOOK_PROVIDERS = new Set(WEBHOOK_ROUTES.map((route) => route.path.slice(1)));

const WEBHOOK_OUTCOMES: Record<number, string> = {
  200: 'duplicate_or_ignored', 202: 'accepted', 400: 'bad_request', 401: 'unauthorized', 404: 'not_found',
  413: 'too_large', 415: 'unsupported_media_type', 503: 'unavailable',
};

/** How this server exposes /metrics: behind a guard, refused, or not at all (it has a port of its own). */
type MetricsExposure = { guard: AdminGuard } | { refused: string } | { elsewhere: true };

/** Health, readiness and metrics: every postship process serves them. */
async function registerOps(app: FastifyInstance, runtime: WebRuntime, extra: ReadinessCheck[], exposure: MetricsExposure): Promise<void> {
  const metrics = runtime.metrics();
  await app.register(opsRoutes, {
    deps: {
      metrics: 'elsewhere' in exposure ? undefined : metrics,
      metricsGuard: 'guard' in exposure ? exposure.guard : undefined,
      metricsRefused: 'refused' in exposure ? exposure.refused : undefined,
      readiness: [
        { name: 'redis', check: async () => (await runtime.redis()).ping() },
        {
          name: 'database',
          check: () => runtime.ledger.check(),
        },
        ...extra,
      ],
    },
  });
  // Runs on every response: a callback hook (no promise) and one labelled child per provider and status, not a label lookup per request.
  const counters = new Map<string, { inc(): void }>();
  app.addHook('onResponse', (request, reply, done) => {
    if (request.url.startsWith('/webhooks/')) {
      const name = /^\/webhooks\/([a-z0-9-]+)/.exec(request.url)?.[1];
      // Any path can be posted to: an unknown one counts as `unknown`, so strangers cannot grow the label set.
      const provider = name && WEBHOOK_PROVIDERS.has(name) ? name : 'unknown';
      const key = `${provider} ${reply.statusCode}`;
      let counter = counters.get(key);
      if (!counter) {
        counter = metrics.webhookRequests.labels(provider, WEBHOOK_OUTCOMES[reply.statusCode] ?? String(reply.statusCode));
        counters.set(key, counter);
      }
      counter.inc();
    }
    done();
  });
}

/**
 * The daemon's HTTP server. With the web role: webhooks, one-click
 * unsubscribe and the admin pages besides the ops endpoints; a worker-only
 * process serves the ops endpoints alone (on its own PORT).
 */
export async function startWebServer(runtime: WebRuntime, options: WebServerOptions): Promise<HttpServer> {
  // One guard for every admin route and /metrics: failed logins count together wherever they are tried.
  const credentials = adminCredentialsFrom(options.env);
  const guard = credentials ? adminGuard(credentials) : null;
  const access = metricsAccessFrom(options.env);
  const exposure: MetricsExposure = access.port !== null ? { elsewhere: true } : guard ? { guard } : { refused: METRICS_NEED_AUTH };
  const server = await startMainServer(runtime, options, guard, exposure);
  if (access.port === null) return server;
  const ops = await startMetricsListener(runtime.metrics(), { ...access, port: access.port }, runtime.logger);
  return { url: server.url, metricsUrl: ops.url, close: async () => void (await Promise.all([server.close(), ops.close()])) };
}

async function startMainServer(runtime: WebRuntime, options: WebServerOptions, guard: AdminGuard | null, exposure: MetricsExposure): Promise<HttpServer> {
  const configure = async (app: FastifyInstance) => {
    await registerOps(app, runtime, options.readiness ?? [], exposure);
    if (!options.roles.includes('web')) return;
    await app.register(unsubscribeRoutes, {
      deps: {
        ledger: runtime.ledger,
        secret: await resolveUnsubscribeSecret(runtime.ledger, runtime.config.unsubscribeSecret),
        now: () => runtime.clock.now().toMillis(),
      },
    });
    await app.register(apiRoutes, { prefix: '/api/v1', deps: apiDepsOf(runtime) });
    await app.register(storePlatformRoutes, { prefix: '/webhooks', deps: { ...apiDepsOf(runtime), secrets: webhookSecretsFrom(options.env) } });
    const queueWrites = adminQueueWritesFrom(options.env);
    await app.register(adminRoutes, { deps: { guard, queues: [await runtime.sendQueue()], queueWrites } });
    await app.register(adminPageRoutes, { deps: adminPageDeps(runtime, guard) });
  };
  if (options.roles.includes('web')) {
    return startHttpServer(runtime, options.port, { configure, host: options.host, secrets: webhookSecretsFrom(options.env) });
  }
  const app = Fastify({ loggerInstance: httpLogger(runtime.logger), ...limitedServerOptions(httpLimitsFrom(runtime.config)) }) as unknown as FastifyInstance;
  app.setErrorHandler(httpErrorHandler);
  await configure(app);
  const host = options.host ?? '0.0.0.0';
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | null = null;
  return { url: `http://127.0.0.1:${port}`, close: () => (closing ??= app.close()) };
}
