import { adaptEasyPost, EASYPOST } from '../../providers/easypost.js';
import { verifyEasyPost } from '../verify-signature.js';
import type { WebhookRoute } from './route.js';

/** EasyPost: a Webhook with `webhook_secret`, URL .../webhooks/easypost. */
export const easyPostRoute: WebhookRoute = {
  path: '/easypost',
  provider: EASYPOST,
  secretName: 'EASYPOST_WEBHOOK_SECRET',
  signatureHeader: 'x-hmac-signature',
  verify: verifyEasyPost,
  adapt: adaptEasyPost,
};
