import type { ConfigFile } from '../config/config-file.js';
import { InputError } from '../domain/errors.js';
import { planAt } from '../domain/plan.js';
import { feedbackVerdict, type FeedbackVerdict } from '../domain/replies.js';
import { orderFromRow, type SendRow } from '../store/ledger.js';
import type { FeedbackSource } from '../domain/replies.js';
import type { OrderServiceDeps } from './orders.js';

export interface FeedbackInput {
  orderId: string;
  rating: unknown;
  comment?: unknown;
  source: FeedbackSource;
  /** The review platform's id for it: a retried delivery is stored once. */
  externalId?: string | null;
  /** When the buyer left it (UTC ms); default now. */
  leftAt?: number;
}

export type FeedbackOutcome = 'thanks_scheduled' | 'low_rating' | 'duplicate' | Extract<FeedbackVerdict, { kind: 'none' }>['why'];

export interface FeedbackResult {
  orderId: string;
  feedbackId: number;
  rating: number;
  outcome: FeedbackOutcome;
  /** The thanks letter scheduled by this rating, when one was. */
  send: SendRow | null;
}

export type FeedbackDeps = OrderServiceDeps & { file: Pick<ConfigFile, 'stores'> };

/** Every problem with a rating at once, as the CLI and the webhook report them. */
export function feedbackProblems(input: Pick<FeedbackInput, 'rating' | 'comment'>): string[] {
  const problems: string[] = [];
  const rating = Number(input.rating);
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) problems.push(`rating ${JSON.stringify(input.rating)} must be a whole number from 1 to 5`);
  if (input.comment !== undefined && input.comment !== null && (typeof input.comment !== 'string' || input.comment.length > 2000)) {
    problems.push('text must be a string of at most 2000 characters');
  }
  return problems;
}

/**
 * Records a buyer's rating. At or above the store's threshold (default 4) it
 * schedules `feedback_thanks` once per order, due now inside the buyer's send
 * window; at or below 2 it only goes on the seller's digest and `at-risk`.
 */
export async function recordFeedback(deps: FeedbackDeps, input: FeedbackInput): Promise<FeedbackResult> {
  const problems = feedbackProblems(input);
  const row = await deps.ledger.getOrder(input.orderId);
  if (!row) problems.push(`order ${JSON.stringify(input.orderId)} is not known`);
  if (problems.length > 0) throw new InputError(row ? 'feedback_invalid' : 'order_unknown', problems);
  const order = orderFromRow(row!);
  const now = deps.clock.now();
  const rating = Number(input.rating);
  const comment = typeof input.comment === 'string' && input.comment.trim() ? input.comment.trim() : null;
  return deps.ledger.transaction(async (ledger) => {
    const stored = await ledger.insertFeedback(
      { orderId: order.orderId, rating, comment, source: input.source, externalId: input.externalId ?? null, leftAt: input.leftAt ?? now.toMillis() },
      now.toMillis(),
    );
    const base = { orderId: order.orderId, feedbackId: stored.row.id, rating: stored.row.rating };
    if (stored.duplicate) return { ...base, outcome: 'duplicate' as const, send: null };
    const verdict = feedbackVerdict({
      rating,
      threshold: deps.file.stores[order.store]?.feedbackThreshold,
      orderState: order.state,
      alreadyThanked: await ledger.hasSend(order.orderId, 'feedback_thanks'),
    });
    if (verdict.kind === 'low_rating') return { ...base, outcome: 'low_rating' as const, send: null };
    if (verdict.kind === 'none') return { ...base, outcome: verdict.why, send: null };
    const planned = planAt(order, 'feedback_thanks', now.toMillis(), deps.profiles(order), now);
    const send = await ledger.insertSend(order.orderId, planned, now.toMillis());
    return { ...base, outcome: send ? ('thanks_scheduled' as const) : ('already_thanked' as const), send };
  });
}
