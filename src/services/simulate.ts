import { DateTime } from 'luxon';
import { FixedClock } from '../domain/clock.js';
import { DELAY_STAGE_LIMIT } from '../domain/delay.js';
import { InputError } from '../domain/errors.js';
import type { Milestone } from '../domain/milestones.js';
import type { Order } from '../domain/order.js';
import type { HoldReason } from '../domain/plan.js';
import { isGenericStatus, outcomeForGeneric } from '../domain/tracking-map.js';
import type { Ledger } from '../store/ledger-api.js';
import { openSqliteLedger } from '../store/sqlite-ledger.js';
import { type SendRow } from '../store/ledger.js';
import type { ConfigFile } from '../config/config-file.js';
import { DISPUTE_REASONS, type DisputeReason } from '../domain/replies.js';
import { closeDispute, openDispute, parseDisputeReason, type DisputeDeps } from './disputes.js';
import { feedbackProblems, recordFeedback } from './feedback.js';
import { decideSend, enterOrder, type OrderServiceDeps } from './orders.js';
import type { ProfileResolver } from './profiles.js';
import { applyStoredEvent } from './tracking.js';
import { watchDelays } from './watch.js';

/** A tracking event of the history to simulate: a generic-webhook status, or `dispute_open` / `dispute_close`. */
const HOLD_WORDS: Record<HoldReason, string> = {
  dispute: 'held: dispute open',
  after_delivery: 'held: waits after delivery',
  apart_48h: 'held: 48 h apart from the delay apology / review request',
  one_a_day: 'held: the buyer already had a letter today',
};

export interface SimEvent {
  at: string;
  status: string;
  /** `dispute_open`: not_received | not_as_described | other (default other). */
  reason?: string;
  /** `feedback`: the rating 1-5, and the comment if any. */
  rating?: number;
  text?: string;
  /** A tracking event's place, as a generic webhook's `location`. */
  location?: string;
}

export interface SimulateInput {
  carrier: string;
  country: string;
  locale?: string;
  store?: string;
  shippedAt: string;
  events: readonly SimEvent[];
  profiles: ProfileResolver;
  /** The config file's stores (feedback threshold, dispute options, any-hour replies). */
  file?: Pick<ConfigFile, 'stores'>;
  /** How far to run; default: 60 days after shipping or 30 days after the last event, whichever is later. */
  until?: string;
  /**
   * `registered`: a tracking provider confirmed the parcel, so silence means
   * "no tracking update"; `none`: no feed at all (no provider, or rejected),
   * so only a parcel past its window gets a delay notice. Default none.
   */
  feed?: 'registered' | 'none';
}

export interface SimRow {
  milestone: Milestone;
  seq: number;
  /** sent | skipped | cancelled | pending (still scheduled when the simulation ended). */
  status: string;
  /** When it went out, was skipped or cancelled (or is due, if pending), UTC ISO and buyer-local. */
  at: string;
  atLocal: string;
  why: string;
}

export interface SimulateResult {
  order: Order;
  feed: 'registered' | 'none';
  rows: SimRow[];
  events: Array<{ at: string; status: string; applied: string }>;
}

const DISPUTE_STATUSES = ['dispute_open', 'dispute_close', 'feedback'];
/**
 * The real watch runs hourly; its verdict can only change when the buyer's
 * local date does (business days, the window's last day). The simulation
 * checks at 00:30 local each day: the same verdict, 24 times fewer queries.
 */
function nextWatchAfter(ms: number, zone: string): number {
  const local = DateTime.fromMillis(ms, { zone });
  const today = local.startOf('day').plus({ minutes: 30 });
  return (today.toMillis() > ms ? today : today.plus({ days: 1 })).toMillis();
}
const SIM_ORDER = 'SIM-1';

type ParsedEvent = { at: DateTime; status: string; reason?: DisputeReason; rating?: number; text?: string; location?: string };

function parseEvents(events: readonly SimEvent[]): ParsedEvent[] {
  const problems: string[] = [];
  const parsed = events.map((e, i) => {
    const at = typeof e?.at === 'string' ? DateTime.fromISO(e.at, { setZone: true }) : DateTime.invalid('missing');
    if (!at.isValid) problems.push(`events[${i}].at ${JSON.stringify(e?.at)} is not an ISO-8601 date-time`);
    const status = typeof e?.status === 'string' ? e.status : '';
    if (!isGenericStatus(status) && !DISPUTE_STATUSES.includes(status)) {
      problems.push(`events[${i}].status ${JSON.stringify(e?.status)} is not a generic webhook status (or dispute_open, dispute_close, feedback)`);
    }
    let reason: DisputeReason | undefined;
    if (status === 'dispute_open') {
      try {
        reason = parseDisputeReason(e.reason);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        problems.push(`events[${i}].reason ${JSON.stringify(e.reason)} is not one of ${DISPUTE_REASONS.join(', ')}`);
      }
    }
    if (status === 'feedback') problems.push(...feedbackProblems({ rating: e.rating, comment: e.text }).map((p) => `events[${i}].${p}`));
    return { at: at.toUTC(), status, reason, rating: e?.rating, text: e?.text, location: typeof e?.location === 'string' ? e.location : undefined };
  });
  if (problems.length > 0) throw new InputError('events_invalid', problems);
  return parsed.sort((a, b) => a.at.toMillis() - b.at.toMillis());
}

/** The next scheduled send, by due time (the simulated ledger holds one order). */
async function nextDue(ledger: Ledger): Promise<SendRow | undefined> {
  return (await ledger.sendsOfOrder(SIM_ORDER)).find((row) => row.status === 'scheduled');
}

/**
 * Runs a hypothetical order through the real services (enterOrder, applyStoredEvent,
 * the delay watch every hour, decide via decideSend) on an in-memory SQLite ledger
 * with a fixed clock: nothing is sent, Redis and the real ledger are never touched.
 * "Sending" records the row as sent at its due time, as the worker would.
 */
export async function simulateTimeline(input: SimulateInput): Promise<SimulateResult> {
  const events = parseEvents(input.events);
  const shipped = DateTime.fromISO(input.shippedAt, { setZone: true });
  if (!shipped.isValid) throw new InputError('shipped_invalid', [`--shipped-at ${JSON.stringify(input.shippedAt)} is not an ISO-8601 date-time`]);
  const clock = new FixedClock(shipped);
  const ledger = openSqliteLedger(':memory:');
  try {
    const deps: OrderServiceDeps = { ledger, clock, profiles: input.profiles };
    const { order } = await enterOrder(deps, {
      orderId: SIM_ORDER, store: input.store, buyer: { name: 'Alex Sample', email: 'alex.sample@example.com', locale: input.locale },
      country: input.country, carrier: input.carrier, trackingNumber: 'LP00123456789012', shippedAt: shipped.toISO(),
    });
    const feed = input.feed ?? 'none';
    if (feed === 'registered') {
      await ledger.insertRegistrations([{ orderId: SIM_ORDER, provider: '17track', trackingNumber: order.trackingNumber, carrier: order.carrier }], clock.now().toMillis());
      await ledger.markRegistered(SIM_ORDER, {}, clock.now().toMillis(), 6 * 3600_000);
    }
    const lastEvent = events.at(-1)?.at ?? shipped;
    const end = input.until
      ? DateTime.fromISO(input.until, { setZone: true }).toUTC()
      : DateTime.max(shipped.plus({ days: 60 }), lastEvent.plus({ days: 30 }));
    const why = new Map<number, string[]>();
    const note = (id: number, text: string) => why.set(id, [...(why.get(id) ?? []), text]);
    const applied: SimulateResult['events'] = [];
    const zone = order.buyerTimezone;
    const local = (dt: DateTime) => dt.setZone(zone).toFormat('yyyy-MM-dd HH:mm');
    let eventIndex = 0;
    let nextWatch = nextWatchAfter(shipped.toMillis(), zone);
    for (;;) {
      const event = events[eventIndex];
      const due = await nextDue(ledger);
      const candidates = [event?.at.toMillis() ?? Infinity, due ? Math.max(due.dueAt, clock.now().toMillis()) : Infinity, nextWatch];
      const t = Math.min(...candidates);
      if (t > end.toMillis()) break;
      clock.set(DateTime.fromMillis(t, { zone: 'utc' }));
      const now = clock.now();
      if (event && t === candidates[0]) {
        eventIndex += 1;
        const before = new Set((await ledger.sendsOfOrder(SIM_ORDER)).map((r) => r.id));
        const outcome = await applyEvent({ ...deps, file: input.file ?? { stores: {} } }, event);
        applied.push({ at: event.at.toISO()!, status: event.status, applied: outcome });
        const current = (await ledger.getOrder(SIM_ORDER))!;
        // The watch only looks at active orders short of the post office: nothing more to watch for.
        if (current.state !== 'active' || current.stageRank >= DELAY_STAGE_LIMIT) nextWatch = Infinity;
        for (const row of await ledger.sendsOfOrder(SIM_ORDER)) {
          if (!before.has(row.id)) note(row.id, `after "${event.status}" on ${local(event.at)}`);
        }
      } else if (due && t === candidates[1]) {
        await act(deps, due, now, note, local);
      } else {
        nextWatch = nextWatchAfter(t, zone);
        for (const n of (await watchDelays(deps)).notices) {
          const row = (await ledger.sendsOfOrder(n.orderId)).find((r) => r.milestone === 'delay' && r.seq === n.seq);
          if (row) note(row.id, n.why);
        }
      }
    }
    const rows = await ledger.sendsOfOrder(SIM_ORDER);
    return { order, feed, events: applied, rows: rows.map((r) => simRow(r, why.get(r.id) ?? [], order, input.profiles, local)) };
  } finally {
    await ledger.close();
  }
}

async function applyEvent(deps: DisputeDeps, event: ParsedEvent): Promise<string> {
  const { status, at } = event;
  if (status === 'dispute_open') {
    const result = await openDispute(deps, SIM_ORDER, event.reason ?? 'other');
    return result.alreadyOpen ? `dispute already open (${result.reason})` : `dispute opened (${result.reason})${result.reply ? '; reply scheduled' : ''}`;
  }
  if (status === 'dispute_close') {
    const result = await closeDispute(deps, SIM_ORDER);
    return `dispute closed (${result.released} review request(s) released)`;
  }
  if (status === 'feedback') {
    const result = await recordFeedback(deps, { orderId: SIM_ORDER, rating: event.rating, comment: event.text, source: 'simulate', leftAt: at.toMillis() });
    return `feedback ${result.rating}: ${result.outcome.replace(/_/g, ' ')}`;
  }
  const order = (await deps.ledger.getOrder(SIM_ORDER))!;
  const dedupKey = `${status}@${at.toISO()}`;
  const stored = await deps.ledger.recordTrackingEvent(
    { provider: 'simulate', dedupKey, trackingNumber: order.trackingNumber, carrier: order.carrier, providerStatus: status, outcome: outcomeForGeneric(status), occurredAt: at.toISO() },
    JSON.stringify({ event_id: dedupKey, occurred_at: at.toISO(), location: event.location ?? null }),
    deps.clock.now().toMillis(),
  );
  return stored.stored ? applyStoredEvent(deps, stored.id) : 'duplicate';
}

/** What the worker does with a due row, minus the email. */
async function act(deps: OrderServiceDeps, row: SendRow, now: DateTime, note: (id: number, text: string) => void, local: (dt: DateTime) => string): Promise<void> {
  const { ledger } = deps;
  const decision = await decideSend(deps, row, (await ledger.getOrder(SIM_ORDER))!, now);
  const ms = now.toMillis();
  switch (decision.kind) {
    case 'send':
      await ledger.claimSend(row.id, ms, 60_000);
      await ledger.recordSent(row.id, { messageId: `<sim-${row.id}@postship>`, smtpResponse: 'simulated', subject: '', template: '', locale: '' }, ms);
      return;
    case 'skip':
      await ledger.recordSkip(row.id, decision.reason, ms);
      return;
    case 'cancel':
      await ledger.recordCancelled(row.id, 'cancelled', ms);
      return;
    case 'reschedule': {
      const hold = decision.hold ? HOLD_WORDS[decision.hold] : 'not due yet';
      if (decision.hold) note(row.id, `${hold} on ${local(now)}, until ${local(decision.at)}`);
      await ledger.reschedule(row.id, decision.at.toMillis(), 'scheduled', ms);
    }
  }
}

function baseWhy(row: SendRow, order: Order, profiles: ProfileResolver): string {
  const profile = profiles(order);
  switch (row.milestone as Milestone) {
    case 'shipped': return 'order entered (shipped)';
    case 'day1': return `shipped + ${profile.delays.day1}`;
    case 'day14': return `shipped + ${profile.delays.day14}; review request`;
    case 'customs': return 'customs event';
    case 'post_office': return 'post office event';
    case 'delay': return row.seq === 0 ? 'first delay notice' : 'second delay notice';
    case 'pickup_reminder': return `available for pickup + ${profile.pickupReminders[row.seq] ?? '?'}`;
    case 'feedback_thanks': return 'positive feedback; thanks with the next-order offer';
    case 'dispute_reply': return 'dispute opened; reply with the parcel\'s status';
  }
}

function simRow(row: SendRow, notes: string[], order: Order, profiles: ProfileResolver, local: (dt: DateTime) => string): SimRow {
  const status = row.status === 'scheduled' || row.status === 'queued' ? 'pending' : row.status;
  const atMs = row.status === 'sent' ? row.sentAt! : status === 'pending' ? row.dueAt : row.updatedAt;
  const at = DateTime.fromMillis(atMs, { zone: 'utc' });
  const reason = row.reason ? [`${status}: ${row.reason}`] : [];
  return {
    milestone: row.milestone as Milestone,
    seq: row.seq,
    status,
    at: at.toISO()!,
    atLocal: local(at),
    why: [baseWhy(row, order, profiles), ...notes, ...reason].join('; '),
  };
}
