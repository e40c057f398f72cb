import type { Adapter } from '../providers/adapter.js';
import type { WebhookSecretName } from '../secrets.js';

/** One provider's webhook: where it posts, which secret and header sign it, how to read it. */
export interface WebhookRoute {
  path: string;
  provider: string;
  secretName: WebhookSecretName;
  /** Lower-case, as node presents headers. */
  signatureHeader: string;
  verify(raw: Buffer, header: string | string[] | undefined, secret: string): boolean;
  adapt: Adapter;
}
