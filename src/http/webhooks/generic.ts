import { adaptGeneric, GENERIC } from '../../providers/generic.js';
import { verifyGeneric } from '../verify-signature.js';
import type { WebhookRoute } from './route.js';

/** postship's own format for anything else: `x-postship-signature: sha256=<hex HMAC>`. */
export const genericRoute: WebhookRoute = {
  path: '/generic',
  provider: GENERIC,
  secretName: 'POSTSHIP_WEBHOOK_SECRET',
  signatureHeader: 'x-postship-signature',
  verify: verifyGeneric,
  adapt: adaptGeneric,
};
