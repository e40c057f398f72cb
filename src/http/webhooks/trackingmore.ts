import { adaptTrackingMore, TRACKINGMORE } from '../../providers/trackingmore.js';
import { verifyTrackingMore } from '../verify-signature.js';
import type { WebhookRoute } from './route.js';

/** TrackingMore v4: Settings > Webhook, URL .../webhooks/trackingmore; `signature` over the `timestamp` header. */
export const trackingMoreRoute: WebhookRoute = {
  path: '/trackingmore',
  provider: TRACKINGMORE,
  secretName: 'TRACKINGMORE_WEBHOOK_SECRET',
  signatureHeader: 'signature',
  verify: verifyTrackingMore,
  adapt: adaptTrackingMore,
};
