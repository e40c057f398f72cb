import { DateTime } from 'luxon';
import type { Clock } from '../domain/clock.js';
import { APOLOGY_REVIEW_GAP_MS, decide, type Decision } from '../domain/decide.js';
import { InputError } from '../domain/errors.js';
import { isMilestone, MILESTONES, type EventMilestone, type Milestone } from '../domain/milestones.js';
import { validateOrder, type Order } from '../domain/order.js';
import { planEventSend, planSends, type PlannedSend } from '../domain/plan.js';
import { windowedMs } from '../domain/send-window.js';
import type { Ledger } from '../store/ledger-api.js';
import { orderFromRow, type OrderRow, type SendRow } from '../store/ledger.js';
import type { NewRegistration } from '../store/registrations.js';
import type { TrackingChoice } from '../domain/tracking-providers.js';
import type { ProfileResolver } from './profiles.js';

export type { TrackingChoice };

export interface OrderServiceDeps {
  ledger: Ledger;
  clock: Clock;
  profiles: ProfileResolver;
  /** Absent: no parcel is registered with a provider (POSTSHIP_TRACKING=none). */
  tracking?: TrackingChoice;
}

/** The registration outbox row an order gets, if its store tracks through a provider. */
export function registrationFor(tracking: TrackingChoice | undefined, order: Pick<Order, 'orderId' | 'store' | 'trackingNumber' | 'carrier'>): NewRegistration | null {
  const provider = tracking?.providerFor(order) ?? null;
  return provider ? { orderId: order.orderId, provider, trackingNumber: order.trackingNumber, carrier: order.carrier } : null;
}

export interface EnterResult {
  created: boolean;
  order: Order;
  sends: SendRow[];
}

/**
 * Records an order and its time-based sends. Entering a known order changes
 * nothing and returns what is already scheduled. The caller promotes what is due.
 */
export async function enterOrder(deps: OrderServiceDeps, input: unknown): Promise<EnterResult> {
  const now = deps.clock.now();
  const validation = validateOrder(input, now);
  if (!validation.ok) throw new InputError('order_invalid', validation.problems);
  const order = validation.order;
  const planned = planSends(order, deps.profiles(order), now);
  const { created } = await deps.ledger.insertOrder(order, planned, now.toMillis(), registrationFor(deps.tracking, order));
  const stored = created ? order : orderFromRow((await deps.ledger.getOrder(order.orderId))!);
  return { created, order: stored, sends: await deps.ledger.sendsOfOrder(order.orderId) };
}

/**
 * Schedules an event milestone (customs, post_office) for an order, at most once.
 * Returns the new send, or null when the order already has it or is not active.
 */
export async function scheduleEventMilestone(
  deps: OrderServiceDeps,
  order: Order,
  milestone: EventMilestone,
  occurredAt: DateTime,
): Promise<SendRow | null> {
  if (order.state !== 'active') return null;
  const now = deps.clock.now();
  const planned = planEventSend(order, milestone, occurredAt, deps.profiles(order), now);
  return await deps.ledger.insertSend(order.orderId, planned, now.toMillis());
}

/** Cancels every pending message of an order; returns the cancelled send ids (for job removal). */
export async function cancelOrder(deps: OrderServiceDeps, orderId: string, reason: string): Promise<number[]> {
  if (!await deps.ledger.getOrder(orderId)) throw new InputError('order_unknown', [`order ${JSON.stringify(orderId)} is not known`]);
  return await deps.ledger.cancelOrder(orderId, reason, deps.clock.now().toMillis());
}

/** A deliberate resend: a new row linked to the first, due now, that ignores stale/superseded. */
export async function resendMilestone(deps: OrderServiceDeps, orderId: string, milestone: string): Promise<SendRow> {
  const row = await deps.ledger.getOrder(orderId);
  if (!row) throw new InputError('order_unknown', [`order ${JSON.stringify(orderId)} is not known`]);
  if (!isMilestone(milestone)) {
    throw new InputError('milestone_unknown', [`milestone ${JSON.stringify(milestone)} is not one of ${MILESTONES.join(', ')}`]);
  }
  const original = (await deps.ledger.sendsOfOrder(orderId)).find((s) => s.milestone === milestone && s.resendOf === null);
  if (!original) {
    throw new InputError('send_unknown', [`order ${orderId} has no ${milestone} message to resend`]);
  }
  return await deps.ledger.insertResend(original, deps.clock.now().toMillis());
}


/** The worker's decision for a due send, from the ledger's facts: shared with `postship simulate`. */
export async function decideSend(deps: Pick<OrderServiceDeps, 'ledger' | 'profiles'>, row: SendRow, orderRow: OrderRow, now: DateTime): Promise<Decision> {
  const order = orderFromRow(orderRow);
  const milestone = row.milestone as Milestone;
  return decide({
    milestone,
    dueAt: DateTime.fromMillis(row.dueAt, { zone: 'utc' }),
    isResend: row.resendOf !== null,
    orderState: order.state,
    sentMilestones: await deps.ledger.sentMilestones(order.orderId),
    suppressed: await deps.ledger.isSuppressed(order.buyerEmail, milestone),
    profile: deps.profiles(order),
    now,
    inDispute: orderRow.disputedAt !== null,
    deliveredAt: order.state === 'delivered' && orderRow.lastEventAt !== null ? DateTime.fromMillis(orderRow.lastEventAt, { zone: 'utc' }) : null,
    buyerTimezone: order.buyerTimezone,
    recentLetters: (await deps.ledger.lettersSentTo(order.buyerEmail, now.toMillis() - APOLOGY_REVIEW_GAP_MS, row.id))
      .filter((l) => isMilestone(l.milestone))
      .map((l) => ({ milestone: l.milestone as Milestone, sentAt: DateTime.fromMillis(l.sentAt, { zone: 'utc' }) })),
  });
}

export interface DisputeResult {
  orderId: string;
  open: boolean;
  /** Review requests moved to go out now that the dispute closed. */
  released: number;
}

/**
 * Opens or closes a buyer dispute. While open, the review request is held (the
 * worker puts it back daily); closing it releases a held request at once
 * (inside the send window), never earlier than originally planned.
 */
export async function setDispute(deps: OrderServiceDeps, orderId: string, open: boolean): Promise<DisputeResult> {
  const row = await deps.ledger.getOrder(orderId);
  if (!row) throw new InputError('order_unknown', [`order ${JSON.stringify(orderId)} is not known`]);
  const now = deps.clock.now();
  return deps.ledger.transaction(async (ledger) => {
    await ledger.setDisputedAt(orderId, open ? (row.disputedAt ?? now.toMillis()) : null, now.toMillis());
    if (open) return { orderId, open, released: 0 };
    const order = orderFromRow(row);
    const profile = deps.profiles(order);
    const planned = planSends(order, profile, now).find((p) => p.milestone === 'day14')!.dueAt.toMillis();
    const release = Math.max(planned, windowedMs(now.toMillis(), order.buyerTimezone, profile.sendWindow));
    return { orderId, open, released: await ledger.releaseHeldReview(orderId, release, now.toMillis()) };
  });
}
