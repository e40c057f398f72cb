import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Clock } from '../domain/clock.js';
import { DEFAULT_AT_RISK_DAYS } from '../domain/protection.js';
import type { MailTransport } from '../mail/transport.js';
import type { Ledger } from '../store/ledger-api.js';
import { TRACKING_PROVIDERS } from '../domain/tracking-providers.js';
import { listAtRisk, trackingAttention } from './at-risk.js';
import { deliverabilityWarnings } from './deliverability.js';
import { renderDigest } from './digest-render.js';
import { lowRatingAttention, protectionExtensions } from './reply-attention.js';
import { DAY_MS } from '../domain/wall-clock.js';

export interface DigestDeps {
  ledger: Ledger;
  config: Config;
  clock: Clock;
  transport: MailTransport;
  logger: Logger;
}

export type DigestOutcome = { store: string; result: 'sent' | 'already_sent' | 'nothing_at_risk'; count: number };

/** Providers whose registration is paused now (quota used up, rate limited, key refused), for the digest. */
async function pausedProviders(ledger: Ledger, now: number): Promise<string[]> {
  const lines: string[] = [];
  for (const p of TRACKING_PROVIDERS) {
    const pause = await ledger.providerPause(p);
    if (pause && pause.until > now) lines.push(`${p}: registration paused until ${new Date(pause.until).toISOString().slice(0, 16)}Z (${pause.reason})`);
  }
  return lines;
}

const guardKey = (store: string, day: string): string => `digest.${store}.${day}`;

/**
 * Emails each store's seller (`sellerEmail`) the orders at risk today, once per
 * store per UTC day: a meta row is written after the send, and the Message-ID
 * is derived from store and day, so a retried job skips what went out and a
 * receiver can spot the one duplicate a crash between send and record allows.
 */
export async function sendDigests(deps: DigestDeps, withinDays = DEFAULT_AT_RISK_DAYS): Promise<DigestOutcome[]> {
  const now = deps.clock.now().toUTC();
  const day = now.toISODate()!;
  const outcomes: DigestOutcome[] = [];
  for (const [store, identity] of Object.entries(deps.config.file.stores)) {
    if (!identity.sellerEmail) continue;
    if ((await deps.ledger.metaValue(guardKey(store, day))) !== undefined) {
      outcomes.push({ store, result: 'already_sent', count: 0 });
      continue;
    }
    const orders = await listAtRisk(deps.ledger, deps.config.file, { now: now.toMillis(), withinDays, store });
    const tracking = await trackingAttention(deps.ledger, { now: now.toMillis(), store });
    const paused = await pausedProviders(deps.ledger, now.toMillis());
    // Each low rating once, in the first digest after it came; extensions while the dispute is open.
    const replies = {
      extensions: (await protectionExtensions(deps.ledger, deps.config.file, { store })).map((e) => e.line),
      lowRatings: (await lowRatingAttention(deps.ledger, { now: now.toMillis(), since: now.toMillis() - DAY_MS, store })).map((l) => l.line),
    };
    // Bounce and complaint rates near the mailbox providers' limits (issue 22).
    const mail = await deliverabilityWarnings(deps.ledger, { now: now.toMillis(), store });
    if (orders.length === 0 && tracking.length === 0 && replies.extensions.length === 0 && replies.lowRatings.length === 0 && mail.length === 0) {
      outcomes.push({ store, result: 'nothing_at_risk', count: 0 });
      continue;
    }
    const rendered = renderDigest(identity.name ?? store, day, withinDays, orders, tracking, paused, replies, mail);
    const domain = /@([^>\s]+)/.exec(identity.from ?? deps.config.from)?.[1] ?? 'postship.local';
    await deps.transport.send({
      from: identity.from ?? deps.config.from,
      to: { name: identity.name ?? store, address: identity.sellerEmail },
      ...rendered,
      messageId: `<digest.${store}.${day}@${domain}>`,
      fileStem: `digest-${store}-${day}`,
    });
    await deps.ledger.setMetaValue(guardKey(store, day), now.toISO()!);
    deps.logger.info({ store, count: orders.length, day }, 'sent at-risk digest');
    outcomes.push({ store, result: 'sent', count: orders.length });
  }
  return outcomes;
}
