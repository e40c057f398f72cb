import { isoUtc } from './times.js';
import type { Ledger } from '../store/ledger-api.js';
import { type OrderRow } from '../store/ledger.js';
import { feedOf, registrationView, type Feed } from './feed.js';
import { timelineOf } from './timeline.js';

/** An order's tracking events as `status --json` and the API show them. */
export async function eventsOf(ledger: Ledger, order: OrderRow) {
  return (await ledger.eventsForOrder(order.orderId, order.trackingNumber)).map((e) => ({
    id: e.id,
    provider: e.provider,
    providerStatus: e.providerStatus,
    milestone: e.milestone,
    occurredUtc: isoUtc(e.occurredAt),
    receivedUtc: isoUtc(e.receivedAt),
    outcome: e.outcome,
  }));
}

export type OrderEvents = Awaited<ReturnType<typeof eventsOf>>;

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

export async function trackingView(ledger: Ledger, order: OrderRow, events: OrderEvents): Promise<TrackingView> {
  const registration = await ledger.registrationOf(order.orderId);
  return { feed: feedOf(registration, events.length > 0), registration: registrationView(registration) };
}

/** `postship status --json` and GET /api/v1/orders/{id}: the same JSON. Null when the order is unknown. */
export async function orderStatus(ledger: Ledger, orderId: string) {
  const order = await ledger.getOrder(orderId);
  if (!order) return null;
  const letters = timelineOf(order, await ledger.sendsOfOrder(orderId));
  // After acceptance: what the email service or a bounce said about each letter (delivered, bounced, complained, deferred).
  const outcomes = await ledger.mailOutcomes(letters.map((e) => e.sendId));
  const timeline = letters.map((e) => {
    const after = outcomes.get(e.sendId);
    return { ...e, afterAcceptance: after ? { kind: after.kind, source: after.source, detail: after.detail, occurredUtc: isoUtc(after.occurredAt) } : null };
  });
  const events = await eventsOf(ledger, order);
  const tracking = await trackingView(ledger, order, events);
  return { row: order, json: { order: orderView(order), timeline, trackingEvents: events, tracking } };
}
