import Fastify, { type FastifyInstance } from 'fastify';
import type { HttpAppDeps } from './deps.js';
import { BODY_LIMIT_BYTES, httpErrorHandler, problem } from './errors.js';
import { limitedServerOptions } from './limits.js';
import { httpLogger } from './log.js';
import { webhookRoutes } from './webhooks/index.js';

export type { HttpAppDeps } from './deps.js';

/**
 * The HTTP app, built apart from listen() so tests bind port 0. Each concern
 * is a plugin with its own prefix (webhooks now; health, metrics,
 * unsubscribe and admin register the same way).
 */
export function buildHttpApp(deps: HttpAppDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: httpLogger(deps.logger), bodyLimit: BODY_LIMIT_BYTES, ...(deps.limits ? limitedServerOptions(deps.limits) : {}) });
  app.setErrorHandler(httpErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(problem('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
  app.register(webhookRoutes, { prefix: '/webhooks', deps });
  // Typed with fastify's base logger, so plugins written against FastifyInstance register as is.
  return app as unknown as FastifyInstance;
}
