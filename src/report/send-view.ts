import { isoUtc, localTime } from './times.js';
import type { SendListRow } from '../store/send-list.js';

/** A send as list --json, export and GET /api/v1/sends show it: times as ISO UTC plus the buyer's local time. */
export function sendView(r: SendListRow) {
  return {
    sendId: r.sendId,
    orderId: r.orderId,
    store: r.store,
    milestone: r.milestone,
    resendOf: r.resendOf,
    status: r.status,
    dueUtc: isoUtc(r.dueAt),
    dueLocal: localTime(r.dueAt, r.buyerTimezone),
    sentUtc: isoUtc(r.sentAt),
    country: r.country,
    carrier: r.carrier,
    trackingNumber: r.trackingNumber,
    buyerEmail: r.buyerEmail,
    messageId: r.messageId,
    reason: r.reason,
    error: r.error,
  };
}

