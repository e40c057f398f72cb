import type { ConfigFile } from '../config/config-file.js';
import { InputError } from '../domain/errors.js';
import { planAt } from '../domain/plan.js';
import { DISPUTE_REASONS, type DisputeReason } from '../domain/replies.js';
import { orderFromRow, type SendRow } from '../store/ledger.js';
import { setDispute, type OrderServiceDeps } from './orders.js';

export type DisputeDeps = OrderServiceDeps & { file: Pick<ConfigFile, 'stores'> };

export interface OpenDisputeResult {
  orderId: string;
  open: true;
  reason: DisputeReason;
  /** The order's dispute number (0 first). */
  seq: number;
  /** A dispute was already open: nothing new was recorded or sent. */
  alreadyOpen: boolean;
  /** The reply scheduled for the buyer, if any. */
  reply: SendRow | null;
}

export function parseDisputeReason(value: unknown): DisputeReason {
  if (value === undefined) return 'other';
  if (typeof value === 'string' && (DISPUTE_REASONS as readonly string[]).includes(value)) return value as DisputeReason;
  throw new InputError('dispute_invalid', [`--reason ${JSON.stringify(value)} is not one of ${DISPUTE_REASONS.join(', ')}`]);
}

/** Reasons whose reply goes out by itself: the parcel's status, or an apology with the seller's options. */
const AUTO_REPLY: readonly DisputeReason[] = ['not_received', 'not_as_described'];

/**
 * Opens a dispute: the review request is held (as before), the dispute is
 * recorded with its reason and, for `not_received` and `not_as_described`
 * (or any reason with `reply`), `dispute_reply` is due now: inside the
 * buyer's send window unless the store's `disputeReplyAnyHour` allows any hour.
 * A dispute already open is left as it is.
 */
export async function openDispute(deps: DisputeDeps, orderId: string, reason: DisputeReason, options: { reply?: boolean } = {}): Promise<OpenDisputeResult> {
  const row = await deps.ledger.getOrder(orderId);
  if (!row) throw new InputError('order_unknown', [`order ${JSON.stringify(orderId)} is not known`]);
  const open = await deps.ledger.openDisputeOf(orderId);
  if (open) return { orderId, open: true, reason: open.reason, seq: open.seq, alreadyOpen: true, reply: null };
  await setDispute(deps, orderId, true);
  const order = orderFromRow(row);
  const now = deps.clock.now();
  return deps.ledger.transaction(async (ledger) => {
    const dispute = await ledger.insertDispute(orderId, reason, now.toMillis());
    let reply: SendRow | null = null;
    if ((AUTO_REPLY.includes(reason) || options.reply) && order.state !== 'cancelled') {
      const profile = deps.profiles(order);
      const anyHour = deps.file.stores[order.store]?.disputeReplyAnyHour === true;
      const planned = planAt(order, 'dispute_reply', now.toMillis(), anyHour ? { ...profile, sendWindow: { start: '00:00', end: '24:00' } } : profile, now);
      reply = await ledger.insertRuleSend(orderId, { ...planned, seq: dispute.seq }, now.toMillis());
    }
    return { orderId, open: true as const, reason, seq: dispute.seq, alreadyOpen: false, reply };
  });
}

export interface CloseDisputeResult {
  orderId: string;
  open: false;
  /** Review requests moved to go out now that the dispute closed. */
  released: number;
  /** Dispute replies still pending, cancelled: there is nothing left to answer. */
  repliesCancelled: number[];
}

/** Closes the order's dispute: a reply not yet sent is cancelled, the held review request released. */
export async function closeDispute(deps: DisputeDeps, orderId: string): Promise<CloseDisputeResult> {
  const result = await setDispute(deps, orderId, false);
  const now = deps.clock.now().toMillis();
  await deps.ledger.closeDisputes(orderId, now);
  const repliesCancelled = await deps.ledger.cancelPending(orderId, ['dispute_reply'], 'dispute_closed', now);
  return { orderId, open: false, released: result.released, repliesCancelled };
}
