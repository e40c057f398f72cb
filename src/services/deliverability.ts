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
/** Past this the trouble is serious: SES reviews an account from a 5% bounce rate. */
export const BOUNCE_BAD_RATE = 0.05;
/** Fewer letters than this in a week say nothing about a rate. */
export const MIN_SENT = 50;

const pct2 = (x: number) => `${(x * 100).toFixed(2)}%`;

/** The thresholds, in the words the dashboard shows beside the rates. */
export const HEALTH_THRESHOLDS =
  `Bounce rate: a warning from ${pct2(BOUNCE_WARN_RATE)}, serious from ${pct2(BOUNCE_BAD_RATE)} (SES reviews an account there). ` +
  `Complaint (spam) rate: a warning from ${pct2(COMPLAINT_WARN_RATE)}, serious from ${pct2(GMAIL_SPAM_RATE_LIMIT)} (Gmail filters or rejects bulk senders above it). ` +
  `Fewer than ${MIN_SENT} letters in the 7 days say nothing about a rate.`;

export interface HealthVerdict {
  level: 'ok' | 'warn' | 'bad' | 'too_few';
  /** What the level means, in words (never the colour alone). */
  words: string;
}

/** How a row's rates stand against the thresholds: the worst of bounces and complaints. */
export function healthVerdict(r: Pick<HealthRow, 'sent' | 'bounceRate' | 'complaintRate'>): HealthVerdict {
  if (r.sent < MIN_SENT) return { level: 'too_few', words: `too few letters to judge (${r.sent} of ${MIN_SENT})` };
  const bad: string[] = [];
  const warn: string[] = [];
  if (r.complaintRate >= GMAIL_SPAM_RATE_LIMIT) bad.push(`complaints at or above Gmail's ${pct2(GMAIL_SPAM_RATE_LIMIT)} limit`);
  else if (r.complaintRate >= COMPLAINT_WARN_RATE) warn.push(`complaints past ${pct2(COMPLAINT_WARN_RATE)}, a third of Gmail's limit`);
  if (r.bounceRate >= BOUNCE_BAD_RATE) bad.push(`bounces at or above ${pct2(BOUNCE_BAD_RATE)}`);
  else if (r.bounceRate >= BOUNCE_WARN_RATE) warn.push(`bounces past ${pct2(BOUNCE_WARN_RATE)}`);
  if (bad.length > 0) return { level: 'bad', words: `serious: ${[...bad, ...warn].join('; ')}` };
  if (warn.length > 0) return { level: 'warn', words: `warning: ${warn.join('; ')}` };
  return { level: 'ok', words: `fine: bounces under ${pct2(BOUNCE_WARN_RATE)}, complaints under ${pct2(COMPLAINT_WARN_RATE)}` };
}

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
