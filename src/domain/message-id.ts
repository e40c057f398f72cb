import { createHash } from 'node:crypto';
import type { Milestone } from './milestones.js';

/** The domain part of an RFC 5322 address like `Acme <care@acme.example>`. */
export function addressDomain(address: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address.trim());
  return match ? match[1].toLowerCase() : 'postship.invalid';
}

/**
 * Stable per (order, milestone[, resend]): a retry after a crash between SMTP
 * acceptance and the ledger write carries the same id, so duplicates can be spotted.
 */
export function messageIdFor(orderId: string, milestone: Milestone, fromAddress: string, resendOf?: number | null, sendId?: number): string {
  const key = resendOf ? `${orderId}\u0000${milestone}\u0000resend\u0000${sendId}` : `${orderId}\u0000${milestone}`;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 24);
  return `<${milestone}.${hash}@${addressDomain(fromAddress)}>`;
}
