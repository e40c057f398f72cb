import { DateTime } from 'luxon';
import { findCarrier, trackingLink } from '../domain/carriers.js';
import { countryInfo } from '../domain/countries.js';
import { delayFacts } from '../domain/delay.js';
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
  };
  /**
   * The expected delivery window in business days. `basis` says where it came from
   * (profile override, class x country table, class default), `note` what it assumes;
   * `passed` is true when the window ended before this message's moment (an apology is due).
   */
  expected: { minDays: number; maxDays: number; from: string; to: string; basis: TransitBasis; note: string; passed: boolean };
  event: { occurredAt: string | null };
  /** Customs notes for this country and milestone, text in the buyer's language; null when none applies. */
  customs: { notes: CustomsNote[] | null; eu: boolean };
  /**
   * Delay notices only (else null): the new expected window as local dates,
   * business days since the last tracking update, and whether the first window has passed.
   */
  delay: { newFrom: string; newTo: string; silentDays: number; overdue: boolean } | null;
  /**
   * Pickup reminders only (else null): since when the parcel waits (ISO, buyer zone), the
   * date until about which the post office keeps it, and whether this is the last reminder.
   */
  pickup: { since: string; until: string; final: boolean } | null;
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

/** The moment a message speaks from (UTC ms): the tracking event, else shipped-at plus the milestone's delay. */
function momentOf(milestone: Milestone, order: Order, profile: Profile, eventMs: number | null): number {
  if (eventMs !== null) return eventMs;
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
  const momentDate = wallDate(toWall(momentOf(milestone, order, profile, eventMs), zone));
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
      trackingUrl: trackingLink(profile.trackingUrl ?? carrier.trackingUrl, order.trackingNumber),
      isPostal: carrier.class === 'postal',
      isEconomy: carrier.class === 'economy',
      isExpress: carrier.class === 'express',
    },
    store: {
      id: order.store,
      name: store?.name ?? (order.store === 'default' ? 'our store' : order.store),
      named: Boolean(store?.name) || order.store !== 'default',
      signature: store?.signature ?? null,
      replyTo: store?.replyTo ?? null,
      replyToAddress: bareAddress(store?.replyTo),
      url: store?.url ?? null,
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
    customs: { notes: notes.length > 0 ? notes : null, eu: country.eu },
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
      context.delay = delayFacts(order, carrier.class, transit, country.weekend, input.lastEventAt ?? null, moment);
    } else {
      const pickupAt = eventAt ?? moment.minus({ days: 3 });
      context.pickup = pickupFacts(order, pickupAt, input.seq ?? 0, profile);
    }
  }
  return context;
}
