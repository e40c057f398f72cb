import type { Milestone } from '../domain/milestones.js';
import { scanKind } from '../domain/replies.js';
import type { ReplyFacts, ReplyScan } from '../mail/reply-context.js';
import { placeAt } from '../providers/places.js';
import type { Ledger } from '../store/ledger-api.js';

/** Every scan of the order as the buyer can check it, oldest first, each with its place when the provider gave one. */
export async function orderScans(ledger: Ledger, orderId: string): Promise<ReplyScan[]> {
  return (await ledger.scansOfOrder(orderId)).map((s) => ({
    kind: scanKind(s.providerStatus, s.milestone),
    at: s.occurredAt,
    place: placeAt(s.raw, s.occurredAt),
  }));
}

/**
 * What a reply milestone answers, from the ledger: the order's latest rating
 * for `feedback_thanks`; for `dispute_reply` the dispute of that seq (a resend,
 * or 'latest' for a preview, answers the latest) and every scan. Undefined for other milestones.
 */
export async function replyFactsFor(ledger: Ledger, orderId: string, milestone: Milestone, seq: number | 'latest'): Promise<ReplyFacts | undefined> {
  if (milestone === 'feedback_thanks') {
    const row = await ledger.latestFeedback(orderId);
    return { feedback: row ? { rating: row.rating, comment: row.comment } : null };
  }
  if (milestone === 'dispute_reply') {
    const row = (seq === 'latest' ? undefined : await ledger.disputeBySeq(orderId, seq)) ?? (await ledger.latestDispute(orderId));
    return { dispute: row ? { reason: row.reason, openedAt: row.openedAt } : null, scans: await orderScans(ledger, orderId) };
  }
  return undefined;
}
