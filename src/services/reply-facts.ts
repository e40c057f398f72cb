import type { Milestone } from '../domain/milestones.js';
import { scanKind } from '../domain/replies.js';
import type { ReplyFacts, ReplyScan } from '../mail/reply-context.js';
import { placeAt } from '../providers/places.js';
import type { Db } from '../store/db.js';
import { disputeBySeq, latestDispute, latestFeedback, scansOfOrder } from '../store/replies.js';

/** Every scan of the order as the buyer can check it, oldest first, each with its place when the provider gave one. */
export function orderScans(db: Db, orderId: string): ReplyScan[] {
  return scansOfOrder(db, orderId).map((s) => ({
    kind: scanKind(s.providerStatus, s.milestone),
    at: s.occurredAt,
    place: placeAt(s.raw, s.occurredAt),
  }));
}

/**
 * What a reply milestone answers, from the ledger: the order's latest rating
 * for `feedback_thanks`; for `dispute_reply` the dispute of that seq (a resend
 * answers the latest) and every scan. Undefined for other milestones.
 */
export function replyFactsFor(db: Db, orderId: string, milestone: Milestone, seq: number): ReplyFacts | undefined {
  if (milestone === 'feedback_thanks') {
    const row = latestFeedback(db, orderId);
    return { feedback: row ? { rating: row.rating, comment: row.comment } : null };
  }
  if (milestone === 'dispute_reply') {
    const row = disputeBySeq(db, orderId, seq) ?? latestDispute(db, orderId);
    return { dispute: row ? { reason: row.reason, openedAt: row.openedAt } : null, scans: orderScans(db, orderId) };
  }
  return undefined;
}
