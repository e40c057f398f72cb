import type { EnterResult } from '../services/orders.js';
import { isoUtc, localTime } from './times.js';

/** An entered order and its sends, as `enqueue --json` and POST /api/v1/orders answer. */
export function enteredView(result: EnterResult) {
  const zone = result.order.buyerTimezone;
  return {
    orderId: result.order.orderId,
    created: result.created,
    buyerTimezone: zone,
    sends: result.sends.map((s) => ({
      sendId: s.id,
      milestone: s.milestone,
      status: s.status,
      reason: s.reason,
      dueLocal: localTime(s.dueAt, zone),
      dueUtc: isoUtc(s.dueAt),
    })),
  };
}
