import { adaptAftership, AFTERSHIP } from '../../providers/aftership.js';
import { verifyAftership } from '../verify-signature.js';
import type { WebhookRoute } from './route.js';

/** AfterShip Tracking: Settings > Webhooks, URL .../webhooks/aftership; the secret shown there. */
export const aftershipRoute: WebhookRoute = {
  path: '/aftership',
  provider: AFTERSHIP,
  secretName: 'AFTERSHIP_WEBHOOK_SECRET',
  signatureHeader: 'aftership-hmac-sha256',
  verify: verifyAftership,
  adapt: adaptAftership,
};
