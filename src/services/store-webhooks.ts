import type { PlatformAction } from '../domain/store-platforms.js';
import { validateOrder } from '../domain/order.js';
import { type NewStoreWebhook } from '../store/store-webhooks.js';
import { cancelOrder, enterOrder, type OrderServiceDeps } from './orders.js';
import { applyUnmatchedEvents } from './tracking.js';

export interface StoreWebhookResult {
  /** duplicate: this delivery was applied before; ignored: nothing to do (kept with its reason). */
  status: 'accepted' | 'duplicate' | 'ignored';
  outcome: string;
  /** Sends cancelled (their queued jobs may be removed), or entered (to queue). */
  cancelledSendIds: number[];
  entered: boolean;
}

async function apply(deps: OrderServiceDeps, action: PlatformAction): Promise<Omit<StoreWebhookResult, 'status'> & { ignored: boolean }> {
  const none = { cancelledSendIds: [], entered: false };
  if (action.kind === 'ignored') return { ...none, ignored: true, outcome: `ignored: ${action.reason}` };
  if (action.kind === 'cancel') {
    if (!await deps.ledger.getOrder(action.orderId)) return { ...none, ignored: true, outcome: `ignored: order ${action.orderId} is not known` };
    const ids = await cancelOrder(deps, action.orderId, action.reason);
    return { ...none, ignored: false, cancelledSendIds: ids, outcome: `cancelled ${action.orderId} (${action.reason}; ${ids.length} pending message(s) stopped)` };
  }
  const validation = validateOrder(action.order, deps.clock.now());
  // The platform would send the same payload again: an order it cannot carry is kept with why, not retried.
  if (!validation.ok) return { ...none, ignored: true, outcome: `ignored: ${validation.problems.join('; ')}` };
  const known = await deps.ledger.getOrder(validation.order.orderId);
  if (known && known.store !== validation.order.store) return { ...none, ignored: true, outcome: `ignored: order id ${validation.order.orderId} belongs to store ${known.store}` };
  const result = await enterOrder(deps, action.order);
  if (result.created) await applyUnmatchedEvents(deps, result.order);
  const warnings = action.warnings.length ? ` (${action.warnings.join('; ')})` : '';
  return { ...none, ignored: false, entered: result.created, outcome: `${result.created ? 'entered' : 'already known'} ${result.order.orderId}${warnings}` };
}

/**
 * Stores a store-platform delivery (deduplicated by its delivery id), then
 * applies it: an order entered, or an order's pending messages cancelled.
 * A repeat of a delivery already applied changes nothing; a repeat of one
 * stored but not applied (the process died in between) is applied now.
 */
export async function receiveStoreWebhook(deps: OrderServiceDeps, delivery: NewStoreWebhook, read: () => PlatformAction): Promise<StoreWebhookResult> {
  const now = deps.clock.now().toMillis();
  const { stored, row } = await deps.ledger.storeWebhookOnce(delivery, now);
  if (!stored && row.appliedAt !== null) return { status: 'duplicate', outcome: row.outcome ?? '', cancelledSendIds: [], entered: false };
  const result = await apply(deps, read());
  await deps.ledger.markStoreWebhookApplied(row.id, result.outcome, deps.clock.now().toMillis());
  return { status: result.ignored ? 'ignored' : 'accepted', outcome: result.outcome, cancelledSendIds: result.cancelledSendIds, entered: result.entered };
}
