import type { DateTime } from 'luxon';
import type { Order } from '../domain/order.js';
import type { DisputeOption, StoreIdentity } from '../domain/profile.js';
import { DISPUTE_ANSWER_DAYS, nextStep, type NextStep, type ScanKind } from '../domain/replies.js';
import { addInZone, isoInZone, toWall, wallDate } from '../domain/wall-clock.js';
import { statusWords } from './status-words.js';

/** One scan as the buyer can check it: local time, place, plain words. */
export interface ReplyScan {
  kind: ScanKind;
  /** UTC ms; null when the provider gave no time (shown without a date). */
  at: number | null;
  place: string | null;
}

/** What a reply milestone answers: loaded from the ledger by the worker, made up by previews. */
export interface ReplyFacts {
  feedback?: { rating: number; comment: string | null } | null;
  dispute?: { reason: 'not_received' | 'not_as_described' | 'other'; openedAt: number } | null;
  /** Every scan of the order, oldest first. */
  scans?: readonly ReplyScan[];
}

interface ScanLine {
  at: string | null;
  place: string | null;
  status: string;
}

type OptionLine = {
  isPartialRefund: boolean; isResend: boolean; isNextOrderDiscount: boolean;
  amount: number | null; currency: string | null; discount: number | null;
};

export interface ReplyContext {
  feedback: {
    rating: number;
    comment: string | null;
    offer: { percent: number; code: string | null; validUntil: string | null } | null;
  } | null;
  dispute: {
    reason: string;
    notReceived: boolean;
    notAsDescribed: boolean;
    other: boolean;
    openedAt: string;
    /** The local date by which the reply asks for an answer. */
    answerBy: string;
    scans: ScanLine[];
    hasScans: boolean;
    latest: ScanLine | null;
    next: Record<'noScans' | 'inTransit' | 'customs' | 'destination' | 'delivered' | 'returning' | 'exception', boolean>;
    options: OptionLine[];
    hasOptions: boolean;
  } | null;
}

const NEXT_KEYS: Record<NextStep, keyof NonNullable<ReplyContext['dispute']>['next']> = {
  no_scans: 'noScans', in_transit: 'inTransit', customs: 'customs', destination: 'destination',
  delivered: 'delivered', returning: 'returning', exception: 'exception',
};

function optionLine(o: DisputeOption): OptionLine {
  return {
    isPartialRefund: o.type === 'partial_refund',
    isResend: o.type === 'resend',
    isNextOrderDiscount: o.type === 'next_order_discount',
    amount: o.type === 'partial_refund' ? o.amount : null,
    currency: o.type === 'partial_refund' ? o.currency : null,
    discount: o.type === 'next_order_discount' ? o.percent : null,
  };
}

/**
 * The feedback or dispute part of a reply's render context. A thanks letter
 * without a rating, or a dispute reply without a dispute, is a bug upstream:
 * it throws rather than thank a buyer who left nothing.
 */
export function replyContext(
  milestone: 'feedback_thanks' | 'dispute_reply',
  input: { order: Order; store: StoreIdentity | undefined; reply: ReplyFacts | undefined; moment: DateTime | null },
): ReplyContext {
  const { order, store, reply } = input;
  const zone = order.buyerTimezone;
  const momentMs = input.moment?.toMillis() ?? order.shippedAt.toMillis();
  if (milestone === 'feedback_thanks') {
    if (!reply?.feedback) throw new Error('feedback_thanks needs the rating it thanks for');
    const offer = store?.nextOrder;
    return {
      dispute: null,
      feedback: {
        rating: reply.feedback.rating,
        comment: reply.feedback.comment?.trim() ? reply.feedback.comment.trim() : null,
        offer: offer
          ? {
              percent: offer.percent,
              code: offer.code ?? null,
              validUntil: offer.validDays ? wallDate(toWall(addInZone(momentMs, `P${offer.validDays}D`, zone), zone)) : null,
            }
          : null,
      },
    };
  }
  if (!reply?.dispute) throw new Error('dispute_reply needs the dispute it answers');
  const words = statusWords(order.buyerLocale);
  const scans = (reply.scans ?? []).map((s) => ({ at: s.at === null ? null : isoInZone(s.at, zone), place: s.place, status: words[s.kind] }));
  const latestKind = reply.scans?.at(-1)?.kind ?? null;
  const next = Object.fromEntries(Object.values(NEXT_KEYS).map((k) => [k, false])) as NonNullable<ReplyContext['dispute']>['next'];
  next[NEXT_KEYS[nextStep(latestKind)]] = true;
  const reason = reply.dispute.reason;
  const options = reason === 'not_as_described' ? (store?.disputeOptions ?? []).map(optionLine) : [];
  return {
    feedback: null,
    dispute: {
      reason,
      notReceived: reason === 'not_received',
      notAsDescribed: reason === 'not_as_described',
      other: reason === 'other',
      openedAt: isoInZone(reply.dispute.openedAt, zone),
      answerBy: wallDate(toWall(addInZone(reply.dispute.openedAt, `P${DISPUTE_ANSWER_DAYS}D`, zone), zone)),
      scans,
      hasScans: scans.length > 0,
      latest: scans.at(-1) ?? null,
      next,
      options,
      hasOptions: options.length > 0,
    },
  };
}
