import { createHmac } from 'node:crypto';
import { InputError } from '../domain/errors.js';
import type { Ledger } from '../store/ledger-api.js';

const FINGERPRINT_KEY = 'unsubscribe-secret-fingerprint';

/** Names a secret without revealing it: what the ledger keeps of a configured one. */
function fingerprint(secret: string): string {
  return createHmac('sha256', secret).update('postship unsubscribe-secret fingerprint').digest('hex').slice(0, 16);
}

/**
 * The secret that signs unsubscribe links, checked at start. A configured
 * POSTSHIP_UNSUBSCRIBE_SECRET stays out of the ledger (only its fingerprint
 * is written, so other processes can tell one is in use); without one, a
 * secret is generated once and kept in the ledger. A process started
 * without the secret while another one signs with it would refuse every
 * link the other sends: that is a start-up error.
 */
export async function resolveUnsubscribeSecret(ledger: Ledger, configured: string | null): Promise<string> {
  const recorded = await ledger.metaValue(FINGERPRINT_KEY);
  if (configured) {
    const value = fingerprint(configured);
    if (recorded !== value) await ledger.setMetaValue(FINGERPRINT_KEY, value);
    return configured;
  }
  if (recorded) {
    throw new InputError(
      'unsubscribe_secret_missing',
      [`POSTSHIP_UNSUBSCRIBE_SECRET is not set, but another postship process on this database signs unsubscribe links with one (fingerprint ${recorded})`],
      'Set the same POSTSHIP_UNSUBSCRIBE_SECRET for every process (worker and web roles, postship serve); without it, every link the others sent would be refused.',
    );
  }
  return await ledger.installationSecret('unsubscribe-secret');
}
