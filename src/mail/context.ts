import type { DateTime } from 'luxon';
import { findCarrier, trackingLink } from '../domain/carriers.js';
import { countryInfo } from '../domain/countries.js';
import type { Milestone } from '../domain/milestones.js';
import type { Order } from '../domain/order.js';
import type { Profile, StoreIdentity } from '../domain/profile.js';
import { CLASS_TRANSIT, expectedWindow } from '../domain/transit.js';

/** The variables every template may use. Optional facts are present as null, never missing (strict mode). */
export interface RenderContext {
  milestone: Milestone;
  order: { id: string; trackingNumber: string; shippedAt: string; country: string; countryName: string };
  buyer: { name: string; firstName: string; email: string; locale: string; timezone: string };
  carrier: { code: string; name: string; class: string; trackingUrl: string };
  store: { id: string; name: string; signature: string | null; replyTo: string | null };
  expected: { minDays: number; maxDays: number; from: string; to: string };
  event: { occurredAt: string | null };
}

export interface ContextInput {
  order: Order;
  milestone: Milestone;
  profile: Profile;
  store: StoreIdentity | undefined;
  /** When the tracking event behind an event milestone happened. */
  eventAt?: DateTime | null;
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

export function buildContext({ order, milestone, profile, store, eventAt }: ContextInput): RenderContext {
  const carrier = findCarrier(order.carrier);
  if (!carrier) throw new Error(`unknown carrier ${order.carrier}`); // validated on entry; a stale row is a bug
  const country = countryInfo(order.country);
  const transit = profile.transitDays ?? CLASS_TRANSIT[carrier.class];
  const shipped = order.shippedAt.setZone(order.buyerTimezone);
  const window = expectedWindow(shipped, transit, country.weekend);
  return {
    milestone,
    order: {
      id: order.orderId,
      trackingNumber: order.trackingNumber,
      shippedAt: shipped.toISO() ?? '',
      country: order.country,
      countryName: country.name,
    },
    buyer: {
      name: order.buyerName,
      firstName: firstName(order.buyerName),
      email: order.buyerEmail,
      locale: order.buyerLocale,
      timezone: order.buyerTimezone,
    },
    carrier: {
      code: carrier.code,
      name: carrier.name,
      class: carrier.class,
      trackingUrl: trackingLink(profile.trackingUrl ?? carrier.trackingUrl, order.trackingNumber),
    },
    store: {
      id: order.store,
      name: store?.name ?? (order.store === 'default' ? 'our store' : order.store),
      signature: store?.signature ?? null,
      replyTo: store?.replyTo ?? null,
    },
    expected: {
      minDays: transit.min,
      maxDays: transit.max,
      from: window.from.toISODate() ?? '',
      to: window.to.toISODate() ?? '',
    },
    event: { occurredAt: eventAt ? eventAt.setZone(order.buyerTimezone).toISO() : null },
  };
}
