import type { DateTime } from 'luxon';
import type { Clock } from '../domain/clock.js';
import { InputError } from '../domain/errors.js';
import { isMilestone, type EventMilestone, type Milestone } from '../domain/milestones.js';
import { validateOrder, type Order } from '../domain/order.js';
import { planEventSend, planSends } from '../domain/plan.js';
import type { Db } from '../store/db.js';
import {
  cancelOrder as cancelInLedger,
  getOrder,
  insertOrder,
  insertSend,
  orderFromRow,
  sendsOfOrder,
  type SendRow,
} from '../store/ledger.js';
import { sends } from '../store/schema.js';
import type { ProfileResolver } from './profiles.js';

export interface OrderServiceDeps {
  db: Db;
  clock: Clock;
  profiles: ProfileResolver;
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
export function enterOrder(deps: OrderServiceDeps, input: unknown): EnterResult {
  const now = deps.clock.now();
  const validation = validateOrder(input, now);
  if (!validation.ok) throw new InputError('order_invalid', validation.problems);
  const order = validation.order;
  const planned = planSends(order, deps.profiles(order), now);
  const { created } = insertOrder(deps.db, order, planned, now.toMillis());
  const stored = created ? order : orderFromRow(getOrder(deps.db, order.orderId)!);
  return { created, order: stored, sends: sendsOfOrder(deps.db, order.orderId) };
}

/**
 * Schedules an event milestone (customs, post_office) for an order, at most once.
 * Returns the new send, or null when the order already has it or is not active.
 */
export function scheduleEventMilestone(
  deps: OrderServiceDeps,
  order: Order,
  milestone: EventMilestone,
  occurredAt: DateTime,
): SendRow | null {
  if (order.state !== 'active') return null;
  const now = deps.clock.now();
  const planned = planEventSend(order, milestone, occurredAt, deps.profiles(order), now);
  return insertSend(deps.db, order.orderId, planned, now.toMillis());
}

/** Cancels every pending message of an order; returns the cancelled send ids (for job removal). */
export function cancelOrder(deps: OrderServiceDeps, orderId: string, reason: string): number[] {
  if (!getOrder(deps.db, orderId)) throw new InputError('order_unknown', [`order ${JSON.stringify(orderId)} is not known`]);
  return cancelInLedger(deps.db, orderId, reason, deps.clock.now().toMillis());
}

/** A deliberate resend: a new row linked to the first, due now, that ignores stale/superseded. */
export function resendMilestone(deps: OrderServiceDeps, orderId: string, milestone: string): SendRow {
  const row = getOrder(deps.db, orderId);
  if (!row) throw new InputError('order_unknown', [`order ${JSON.stringify(orderId)} is not known`]);
  if (!isMilestone(milestone)) {
    throw new InputError('milestone_unknown', [`milestone ${JSON.stringify(milestone)} is not one of shipped, day1, customs, post_office, day14`]);
  }
  const original = sendsOfOrder(deps.db, orderId).find((s) => s.milestone === milestone && s.resendOf === null);
  if (!original) {
    throw new InputError('send_unknown', [`order ${orderId} has no ${milestone} message to resend`]);
  }
  const now = deps.clock.now().toMillis();
  return deps.db
    .insert(sends)
    .values({
      orderId,
      milestone: milestone as Milestone,
      resendOf: original.id,
      status: 'scheduled',
      dueAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

