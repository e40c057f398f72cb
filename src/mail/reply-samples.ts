import type { Milestone } from '../domain/milestones.js';
import type { Order } from '../domain/order.js';
import type { StoreIdentity } from '../domain/profile.js';
import { DAY_MS } from '../domain/wall-clock.js';
import type { ReplyFacts, ReplyScan } from './reply-context.js';

/** One way a milestone's letter can come out: the facts that pick its variant, and the store's settings. */
export interface ReplyVariant {
  name: string | null;
  reply?: ReplyFacts;
  store?: Partial<StoreIdentity>;
}

const OFFER_STORE: Partial<StoreIdentity> = { url: 'https://shop.example/store/1', nextOrder: { code: 'THANKS10', percent: 10, validDays: 30 } };
const OPTIONS_STORE: Partial<StoreIdentity> = {
  disputeOptions: [{ type: 'partial_refund', amount: 3, currency: 'USD' }, { type: 'resend' }, { type: 'next_order_discount', percent: 15 }],
};

/** Scans a parcel from China gets, as providers in other zones stamp them (UTC ms after shipped-at). */
function sampleScans(shipped: number, upTo: ReplyScan['kind'][]): ReplyScan[] {
  const places: Record<string, string | null> = {
    info_received: 'Shenzhen, CN', in_transit: 'Guangzhou International, CN', customs: null, customs_released: null,
    post_office: null, out_for_delivery: null, available_for_pickup: null, failed_attempt: null, exception: null,
    delivered: null, returning: 'Shenzhen, CN', returned: 'Shenzhen, CN',
  };
  return upTo.map((kind, i) => ({ kind, at: i === 1 && upTo.length > 3 ? null : shipped + (i + 1) * 3 * DAY_MS + 7 * 3600_000, place: places[kind] ?? (i % 2 ? 'Madrid' : null) }));
}

/**
 * Every variant `postship templates check` renders for a milestone: one for
 * most milestones; for the replies, each reason and each branch (scans or
 * none, delivered, returning, options or none, comment or rating only).
 */
export function variantsFor(milestone: Milestone, order: Pick<Order, 'shippedAt'>): ReplyVariant[] {
  const shipped = order.shippedAt.toMillis();
  const opened = shipped + 30 * DAY_MS;
  if (milestone === 'feedback_thanks') {
    return [
      { name: 'comment+offer', reply: { feedback: { rating: 5, comment: 'Great <b>quality</b>, fast!' } }, store: OFFER_STORE },
      { name: 'rating-only', reply: { feedback: { rating: 4, comment: null } } },
      { name: 'offer-no-code', reply: { feedback: { rating: 5, comment: null } }, store: { nextOrder: { percent: 5 } } },
    ];
  }
  if (milestone === 'dispute_reply') {
    const dispute = (reason: 'not_received' | 'not_as_described' | 'other') => ({ reason, openedAt: opened });
    return [
      { name: 'not_received:scans', reply: { dispute: dispute('not_received'), scans: sampleScans(shipped, ['info_received', 'in_transit', 'in_transit', 'customs', 'customs_released']) } },
      { name: 'not_received:no-scans', reply: { dispute: dispute('not_received'), scans: [] } },
      { name: 'not_received:pickup', reply: { dispute: dispute('not_received'), scans: sampleScans(shipped, ['in_transit', 'post_office', 'available_for_pickup']) } },
      { name: 'not_received:delivered', reply: { dispute: dispute('not_received'), scans: sampleScans(shipped, ['in_transit', 'delivered']) } },
      { name: 'not_received:returning', reply: { dispute: dispute('not_received'), scans: sampleScans(shipped, ['in_transit', 'exception', 'returning']) } },
      { name: 'not_as_described:options', reply: { dispute: dispute('not_as_described'), scans: [] }, store: OPTIONS_STORE },
      { name: 'not_as_described:no-options', reply: { dispute: dispute('not_as_described'), scans: [] } },
      { name: 'other', reply: { dispute: dispute('other'), scans: sampleScans(shipped, ['in_transit']) } },
    ];
  }
  return [{ name: null }];
}
