import type { FastifyPluginAsync } from 'fastify';
import type { HttpAppDeps } from '../deps.js';
import { BODY_LIMIT_BYTES } from '../errors.js';
import { aftershipRoute } from './aftership.js';
import { easyPostRoute } from './easypost.js';
import { receiveFeedback } from './feedback.js';
import { genericRoute } from './generic.js';
import { mailWebhookRoutes } from './mail/index.js';
import { receiveWebhook } from './receive.js';
import { seventeenTrackRoute } from './seventeen-track.js';
import { trackingMoreRoute } from './trackingmore.js';

export const WEBHOOK_ROUTES = [aftershipRoute, seventeenTrackRoute, trackingMoreRoute, genericRoute, easyPostRoute];

/**
 * POST /webhooks/<provider>. Signatures cover the exact bytes sent, so within
 * this plugin (and only here) JSON bodies arrive as raw Buffers; each route
 * verifies, then parses. Other content types get 415.
 */
export const webhookRoutes: FastifyPluginAsync<{ deps: HttpAppDeps }> = async (app, options) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) =>
    done(null, body),
  );
  const store = options.deps.ledger.trackingEventWriter(() => options.deps.clock.now().toMillis());
  for (const route of WEBHOOK_ROUTES) app.post(route.path, receiveWebhook(route, options.deps, store));
  app.post('/feedback', receiveFeedback(options.deps));
  // Email services' delivery, bounce and complaint events (issue 22): their own body parsers (SNS sends text/plain).
  await app.register(mailWebhookRoutes, { prefix: '/mail', deps: options.deps });
};
