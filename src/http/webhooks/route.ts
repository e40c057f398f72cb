import type { Adapter } from '../../providers/adapter.js';
import type { WebhookSecretName } from '../secrets.js';

/** One provider's webhook: where it posts, which secret and header sign it, how to read it. */
export interface WebhookRoute {
  path: string;
  provider: string;
  secretName: WebhookSecretName;
  /** Lower-case, as node presents headers. */
  signatureHeader: string;
  /** `headers`: all of them, for a provider that signs more than one (TrackingMore's timestamp). */
  verify(raw: Buffer, header: string | string[] | undefined, secret: string, headers?: Record<string, string | string[] | undefined>): boolean;
  adapt: Adapter;
}
