import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import { InputError } from '../../domain/errors.js';
import { httpErrorHandler, problem } from '../errors.js';
import { requireToken, tokenOf } from './auth.js';
import type { WebRuntime } from '../web-deps.js';
import type { ApiDeps } from './deps.js';
import { orderRoutes } from './orders.js';
import { sendRoutes } from './sends.js';

export type { ApiDeps } from './deps.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route of the API that needs no token (the OpenAPI document). */
    public?: boolean;
  }
}

/**
 * /api/v1: bearer-token auth, failures rate-limited per address, the OpenAPI
 * document generated from the route schemas. Register with prefix /api/v1.
 */
export const apiRoutes: FastifyPluginAsync<{ deps: ApiDeps }> = async (app, { deps }) => {
  const ledger = deps.orders.ledger;
  const now = () => deps.orders.clock.now().toMillis();
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'postship API', version: '1', description: 'Enter shipped orders and read their message timelines. See the README, "Ways in: the HTTP API".' },
      servers: [{ url: '/api/v1' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from `postship tokens create`' } } },
      security: [{ bearer: [] }],
    },
    // Paths relative to the server URL above, as clients call them.
    transform: ({ schema, url }) => ({ schema, url: url.replace(/^\/api\/v1/, '') }),
  });
  const failures = deps.authFailures ?? { max: 20, windowMs: 60_000 };
  await app.register(rateLimit, {
    max: failures.max,
    timeWindow: failures.windowMs,
    // Only failures count: a request with a valid token (or to a public route) is let through uncounted.
    allowList: async (request) => request.routeOptions.config?.public === true || (await tokenOf(ledger, request, now())) !== null,
    onExceeded: (request) => request.log.warn({ ip: request.ip }, 'API authentication failures throttled'),
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      error: 'too_many_attempts',
      message: `too many failed authentications from this address: try again in ${context.after}`,
    }),
  });
  // A route-level onRequest hook, added after the limiter's: the limiter counts the failure before the guard answers 401.
  const guard = requireToken(ledger, now);
  app.addHook('onRoute', (route) => {
    if ((route.config as { public?: boolean } | undefined)?.public) return;
    const hooks = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...hooks, guard];
  });
  // Validation is ours (the CLI's rules, every problem at once); the schemas document. Answers are plain JSON.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler((err: FastifyError & { error?: string }, request, reply) => {
    if (err.statusCode === 429 && err.error) return reply.code(429).send(problem(err.error, err.message));
    if (err instanceof InputError) {
      const status = err.code === 'order_unknown' ? 404 : 422;
      return reply.code(status).send(problem(err.code, err.message, err.problems));
    }
    return httpErrorHandler(err, request, reply);
  });
  orderRoutes(app, deps);
  sendRoutes(app, deps);
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => (app as FastifyInstance).swagger());
};

/** The API's dependencies out of the composition root. */
export function apiDepsOf(runtime: WebRuntime): ApiDeps {
  return {
    orders: runtime.orderDeps(),
    file: runtime.config.file,
    queueAfterWrite: () => runtime.queueAfterWrite(),
    removeJobs: (ids) => runtime.removeJobs(ids),
  };
}
