import { isoUtc } from './times.js';
import type { Db } from '../store/db.js';
import { getOrder, sendsOfOrder, type OrderRow } from '../store/ledger.js';
import { mailOutcomes } from '../store/mail-events.js';
import { registrationOf } from '../store/registrations.js';
import { eventsForOrder } from '../store/tracking.js';
import { feedOf, registrationView, type Feed } from './feed.js';
import { timelineOf } from './timeline.js';

/** An order's tracking events as `status --json` and the API show them. */
export function eventsOf(db: Db, order: OrderRow) {
  return eventsForOrder(db, order.orderId, order.trackingNumber).map((e) => ({
    id: e.id,
    provider: e.provider,
    providerStatus: e.providerStatus,
    milestone: e.milestone,
    occurredUtc: isoUtc(e.occurredAt),
    receivedUtc: isoUtc(e.receivedAt),
    outcome: e.outcome,
  }));
}

export type OrderEvents = ReturnType<typeof eventsOf>;

export function orderView(o: OrderRow) {
  return {
    orderId: o.orderId,
    store: o.store,
    state: o.state,
    stateReason: o.stateReason,
    buyer: { name: o.buyerName, email: o.buyerEmail, locale: o.buyerLocale, timezone: o.buyerTimezone },
    country: o.country,
    carrier: o.carrier,
    trackingNumber: o.trackingNumber,
    shippedAtUtc: isoUtc(o.shippedAt),
  };
}

export type TrackingView = { feed: Feed; registration: ReturnType<typeof registrationView> };

export function trackingView(db: Db, order: OrderRow, events: OrderEvents): TrackingView {
  const registration = registrationOf(db, order.orderId);
  return { feed: feedOf(registration, events.length > 0), registration: registrationView(registration) };
}

/** `postship status --json` and GET /api/v1/orders/{id}: the same JSON. Null when the order is unknown. */
export function orderStatus(db: Db, orderId: string) {
  const order = getOrder(db, orderId);
  if (!order) return null;
  const letters = timelineOf(order, sendsOfOrder(db, orderId));
  // After acceptance: what the email service or a bounce said about each letter (delivered, bounced, complained, deferred).
  const outcomes = mailOutcomes(db, letters.map((e) => e.sendId));
  const timeline = letters.map((e) => {
    const after = outcomes.get(e.sendId);
    return { ...e, afterAcceptance: after ? { kind: after.kind, source: after.source, detail: after.detail, occurredUtc: isoUtc(after.occurredAt) } : null };
  });
  const events = eventsOf(db, order);
  const tracking = trackingView(db, order, events);
  return { row: order, json: { order: orderView(order), timeline, trackingEvents: events, tracking } };
}
