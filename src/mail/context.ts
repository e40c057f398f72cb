import { DateTime } from 'luxon';
import { findCarrier, trackingLink } from '../domain/carriers.js';
import { countryInfo } from '../domain/countries.js';
import type { CarrierClass } from '../domain/carriers.js';
import { delayFacts, NEW_WINDOW_BY_CLASS } from '../domain/delay.js';
import { NO_PARCEL_FACTS, type ParcelFacts } from '../domain/parcel.js';
import type { PickupHold } from '../domain/data/pickup-holds.js';
import { pickupFacts } from '../domain/pickup.js';
import { customsNotesFor, type CustomsNote, type CustomsNoteData } from '../domain/customs.js';
import type { Milestone } from '../domain/milestones.js';
import type { Order } from '../domain/order.js';
import type { Profile, StoreIdentity } from '../domain/profile.js';
import { expectedDates, transitFor, type TransitBasis } from '../domain/transit.js';
import { addInZone, isoInZone, toWall, wallDate } from '../domain/wall-clock.js';
import type { TransitTable } from '../domain/data/transit-table.js';
import { replyContext, type ReplyContext, type ReplyFacts } from './reply-context.js';

/** The variables every template may use. Optional facts are present as null, never missing (strict mode). */
export interface RenderContext {
  milestone: Milestone;
  order: { id: string; trackingNumber: string; shippedAt: string; country: string; countryName: string };
  /** `language` is the primary subtag of `locale` (`pt` for `pt-BR`). */
  buyer: { name: string; firstName: string; email: string; locale: string; language: string; timezone: string };
  /** `isPostal` / `isEconomy` / `isExpress` mirror `class`, for `{{#if}}` in templates. */
  carrier: {
    code: string; name: string; class: string; trackingUrl: string;
    isPostal: boolean; isEconomy: boolean; isExpress: boolean;
  };
  /**
   * `replyToAddress` is the bare address of `replyTo` (for `mailto:`); `named` is false when the
   * store has no display name and `name` is the English placeholder, so templates can say "us" instead.
   */
  store: {
    id: string; name: string; named: boolean; signature: string | null; replyTo: string | null; replyToAddress: string | null;
    /** The store's home page (`stores.<id>.url`), or null. */
    url: string | null;
    /** "We answer within N hours" only when the store's config promises it (`stores.<id>.responseHours`), else null. */
    responseHours: number | null;
  };
  /**
   * The expected delivery window in business days. `basis` says where it came from
   * (profile override, class x country table, class default), `note` what it assumes;
   * `passed` is true when the window ended before this message's moment (an apology is due).
   */
  expected: { minDays: number; maxDays: number; from: string; to: string; basis: TransitBasis; note: string; passed: boolean };
  event: { occurredAt: string | null };
  /**
   * Customs notes for this country and milestone, text in the buyer's language (null when none applies);
   * for the customs letter, the stage of the newest customs scan (`entered`, `released`, `actionRequired`:
   * documents or payment asked for), whether it is export customs in the origin country (`origin`), and its place.
   */
  customs: {
    notes: CustomsNote[] | null; eu: boolean;
    entered: boolean; released: boolean; actionRequired: boolean; origin: boolean; place: string | null;
  };
  /**
   * post_office only (else null): out for delivery, waiting for pickup, or arrived at the
   * delivery office (none of the others), and the place when the provider gave one.
   */
  postOffice: { outForDelivery: boolean; pickup: boolean; arrived: boolean; place: string | null } | null;
  /**
   * day14 only (else null), judged at the send moment: delivered (with the date), after a closed
   * dispute, or still travelling (`where`: the stage of the newest scan; `newFrom`/`newTo`: a new
   * window when the first one has passed). Exactly one of delivered / afterDispute / travelling is true.
   */
  day14: {
    delivered: boolean; deliveredAt: string | null; afterDispute: boolean; travelling: boolean;
    where: { noScans: boolean; inTransit: boolean; customs: boolean; postOffice: boolean; place: string | null };
    newFrom: string | null; newTo: string | null;
  } | null;
  /**
   * Delay notices only (else null): the new expected window as local dates,
   * business days since the last tracking update, and whether the first window has passed.
   */
  delay: { newFrom: string; newTo: string; silentDays: number; overdue: boolean; silent: boolean } | null;
  /**
   * Pickup reminders only (else null): since when the parcel waits (ISO, buyer zone), the
   * date until about which the post office keeps it, and whether this is the last reminder.
   */
  pickup: { since: string; until: string | null; holdDays: number | null; final: boolean } | null;
  /** feedback_thanks only (else null): the rating, the comment if any, the next-order offer. */
  feedback: ReplyContext['feedback'];
  /** dispute_reply only (else null): the reason, the scan timeline, what comes next, the options. */
  dispute: ReplyContext['dispute'];
}

export interface ContextInput {
  order: Order;
  milestone: Milestone;
  profile: Profile;
  store: StoreIdentity | undefined;
  /** When the tracking event behind an event milestone happened. */
  eventAt?: DateTime | null;
  /** Replaces the built-in customs notes (e.g. a seller's corrected list from config). */
  customsNotes?: readonly CustomsNoteData[];
  /** Replaces the built-in class x country transit table. */
  transitTable?: TransitTable;
  /** When the message goes out (its due time): delay notices count silence and the new window from it. */
  momentAt?: DateTime | null;
  /** The last tracking update, for delay notices. */
  lastEventAt?: DateTime | null;
  /** Which of a repeated milestone this is (0 first). */
  seq?: number;
  /** The rating or dispute a reply milestone answers, and the order's scans. */
  reply?: ReplyFacts;
  /** What the tracking says at send time (delivered, customs stage, post office, feed); none when absent. */
  parcel?: ParcelFacts;
  /** Replaces the built-in pickup hold table. */
  pickupHolds?: readonly PickupHold[];
}

function postOfficeFacts(parcel: ParcelFacts): NonNullable<RenderContext['postOffice']> {
  const stage = parcel.postOffice?.stage ?? 'arrived';
  return { outForDelivery: stage === 'out_for_delivery', pickup: stage === 'pickup', arrived: stage === 'arrived', place: parcel.postOffice?.place ?? null };
}

/** The care letter's facts at its send moment: what is true then, not what was planned at shipped-at. */
function day14Facts(
  order: Order,
  parcel: ParcelFacts,
  carrierClass: CarrierClass,
  weekend: readonly number[],
  momentMs: number,
  passed: boolean,
): NonNullable<RenderContext['day14']> {
  const zone = order.buyerTimezone;
  const delivered = parcel.deliveredAt !== null || order.state === 'delivered';
  const afterDispute = !delivered && parcel.disputeClosed;
  const kind = parcel.latest?.kind ?? null;
  const customs = kind === 'customs' || kind === 'customs_released';
  const postOffice = kind === 'post_office' || kind === 'out_for_delivery' || kind === 'available_for_pickup' || kind === 'failed_attempt';
  const fresh = passed && !delivered ? expectedDates(toWall(momentMs, zone), NEW_WINDOW_BY_CLASS[carrierClass], weekend) : null;
  return {
    delivered,
    deliveredAt: parcel.deliveredAt !== null ? isoInZone(parcel.deliveredAt, zone) : null,
    afterDispute,
    travelling: !delivered && !afterDispute,
    where: { noScans: kind === null, inTransit: kind !== null && !customs && !postOffice, customs, postOffice, place: parcel.latest?.place ?? null },
    newFrom: fresh?.from ?? null,
    newTo: fresh?.to ?? null,
  };
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

/** `Acme <care@acme.example>` → `care@acme.example`. */
export function bareAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(value);
  return (angle ? angle[1] : value).trim() || null;
}

/**
 * The moment a message speaks from (UTC ms): the tracking event, else the send moment
 * when known (a held review request goes out later than planned), else shipped-at plus the milestone's delay.
 */
function momentOf(milestone: Milestone, order: Order, profile: Profile, eventMs: number | null, sendMs: number | null): number {
  if (eventMs !== null) return eventMs;
  if (sendMs !== null) return sendMs;
  const shipped = order.shippedAt.toMillis();
  return milestone === 'day1' || milestone === 'day14' ? addInZone(shipped, profile.delays[milestone], order.buyerTimezone) : shipped;
}

/**
 * A sample moment when none is given (previews, the template check): days after
 * shipped-at, as `postship preview` dates its sample orders.
 */
const SAMPLE_MOMENT_DAYS = { delay: 35, pickup_reminder: 16 } as const;

export function buildContext(input: ContextInput): RenderContext {
  const { order, milestone, profile, store, eventAt, customsNotes, transitTable } = input;
  const carrier = findCarrier(order.carrier);
  if (!carrier) throw new Error(`unknown carrier ${order.carrier}`); // validated on entry; a stale row is a bug
  const country = countryInfo(order.country);
  const table = transitFor(carrier.class, order.country, transitTable);
  const transit = profile.transitDays
    ? { ...profile.transitDays, basis: 'profile' as const, note: 'profile transitDays override' }
    : table;
  // Wall-clock maths rather than luxon: this runs for every message sent (see bench figure 1).
  const zone = order.buyerTimezone;
  const shippedMs = order.shippedAt.toMillis();
  const window = expectedDates(toWall(shippedMs, zone), transit, country.weekend);
  const eventMs = eventAt ? eventAt.toMillis() : null;
  const momentMs = momentOf(milestone, order, profile, eventMs, input.momentAt ? input.momentAt.toMillis() : null);
  const momentDate = wallDate(toWall(momentMs, zone));
  const parcel = input.parcel ?? NO_PARCEL_FACTS;
  const customsScan = milestone === 'customs' ? parcel.customs : null;
  const notes = customsNotesFor(
    { country: order.country, milestone, locale: order.buyerLocale, arrival: eventMs !== null ? wallDate(toWall(eventMs, zone)) : window.from },
    customsNotes,
  );
  const context: RenderContext = {
    milestone,
    order: {
      id: order.orderId,
      trackingNumber: order.trackingNumber,
      shippedAt: isoInZone(shippedMs, zone),
      country: order.country,
      countryName: country.name,
    },
    buyer: {
      name: order.buyerName,
      firstName: firstName(order.buyerName),
      email: order.buyerEmail,
      locale: order.buyerLocale,
      language: order.buyerLocale.split('-')[0].toLowerCase(),
      timezone: order.buyerTimezone,
    },
    carrier: {
      code: carrier.code,
      name: carrier.name,
      class: carrier.class,
      trackingUrl: trackingLink(profile.trackingUrl ?? carrier.trackingUrl, order.trackingNumber, order.buyerLocale),
      isPostal: carrier.class === 'postal',
      isEconomy: carrier.class === 'economy',
      isExpress: carrier.class === 'express',
    },
    store: {
      id: order.store,
      // An unconfigured store id (a typo, "nosuch-store-7") is never shown to a buyer as a name.
      name: store?.name ?? 'our store',
      named: Boolean(store?.name),
      signature: store?.signature ?? null,
      replyTo: store?.replyTo ?? null,
      replyToAddress: bareAddress(store?.replyTo),
      url: store?.url ?? null,
      responseHours: store?.responseHours ?? null,
    },
    expected: {
      minDays: transit.min,
      maxDays: transit.max,
      from: window.from,
      to: window.to,
      basis: transit.basis,
      note: transit.note,
      passed: momentDate > window.to,
    },
    event: { occurredAt: eventMs !== null ? isoInZone(eventMs, zone) : null },
    customs: {
      notes: notes.length > 0 ? notes : null,
      eu: country.eu,
      entered: customsScan ? customsScan.stage === 'entered' : milestone === 'customs',
      released: customsScan?.stage === 'released',
      actionRequired: customsScan?.stage === 'action_required',
      origin: customsScan?.origin ?? false,
      place: customsScan?.place ?? null,
    },
    postOffice: milestone === 'post_office' ? postOfficeFacts(parcel) : null,
    day14: milestone === 'day14' ? day14Facts(order, parcel, carrier.class, country.weekend, momentMs, momentDate > window.to) : null,
    delay: null,
    pickup: null,
    feedback: null,
    dispute: null,
  };
  if (milestone === 'feedback_thanks' || milestone === 'dispute_reply') {
    Object.assign(context, replyContext(milestone, { order, store, reply: input.reply, moment: input.momentAt ?? null }));
  }
  if (milestone === 'delay' || milestone === 'pickup_reminder') {
    const moment = input.momentAt ?? order.shippedAt.plus({ days: SAMPLE_MOMENT_DAYS[milestone] });
    if (milestone === 'delay') {
      const facts = delayFacts(order, carrier.class, transit, country.weekend, input.lastEventAt ?? null, moment);
      // "No tracking update for N days" is only true of a parcel that has a tracking feed.
      const hasFeed = input.parcel ? input.parcel.hasFeed : input.lastEventAt != null;
      context.delay = { ...facts, silent: !facts.overdue && hasFeed };
    } else {
      const pickupAt = eventAt ?? moment.minus({ days: 3 });
      context.pickup = pickupFacts(order, pickupAt, input.seq ?? 0, profile, input.pickupHolds);
    }
  }
  return context;
}
