/**
 * Warnings for the seller's daily digest when a store's last 7 days come near
 * the lines mailbox providers draw: Gmail's 0.3% spam (complaint) rate, and
 * bounce rates email services act on (SES reviews an account from 5%).
 */
import type { Ledger } from '../store/ledger-api.js';
import { GMAIL_SPAM_RATE_LIMIT, type HealthRow } from '../store/mail-events.js';

/** Warn at a third of Gmail's limit: by the time it is reached, mail is already going to spam. */
export const COMPLAINT_WARN_RATE = GMAIL_SPAM_RATE_LIMIT / 3;
export const BOUNCE_WARN_RATE = 0.02;
/** Fewer letters than this in a week say nothing about a rate. */
const MIN_SENT = 50;

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function lines(r: HealthRow, where: string): string[] {
  const out: string[] = [];
  if (r.complaintRate >= COMPLAINT_WARN_RATE) {
    out.push(`${where}: ${r.complained} spam complaint(s) for ${r.sent} letters in 7 days (${pct(r.complaintRate)}): Gmail filters or rejects senders above 0.3%; check who gets review requests and that the unsubscribe link is visible`);
  }
  if (r.bounceRate >= BOUNCE_WARN_RATE) {
    out.push(`${where}: ${r.bounced} bounce(s) for ${r.sent} letters in 7 days (${pct(r.bounceRate)}): check the addresses your store platform passes on`);
  }
  return out;
}

export async function deliverabilityWarnings(ledger: Ledger, options: { now: number; store: string }): Promise<string[]> {
  const health = await ledger.deliverabilityHealth({ now: options.now, days: 7 });
  const store = health.stores.find((r) => r.store === options.store);
  if (!store || store.sent < MIN_SENT) return [];
  const domains = health.domains.filter((r) => r.store === options.store && r.sent >= MIN_SENT);
  return [...lines(store, 'all recipients'), ...domains.flatMap((d) => lines(d, d.domain))];
}
