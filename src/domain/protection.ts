import { DAY_MS } from './wall-clock.js';

/** Buyer purchase protection after shipped-at when the store says nothing (marketplace default). */
export const DEFAULT_PROTECTION_DAYS = 60;
/** `postship at-risk` and the digest look this many days ahead by default. */
export const DEFAULT_AT_RISK_DAYS = 10;

export interface ProtectedOrder {
  orderId: string;
  store: string;
  state: 'active' | 'delivered' | 'returned' | 'cancelled';
  shippedAt: number;
}

export interface ProtectionStatus {
  /** Protection ends at this instant (UTC ms). */
  deadline: number;
  /** Whole days until the deadline, rounded down; negative once it has passed. */
  daysLeft: number;
  /** Undelivered and the deadline within the horizon (or already passed). */
  atRisk: boolean;
  expired: boolean;
}

/** A deadline counts exact 24-hour days from shipped-at: marketplaces count from the shipping timestamp. */
export function protectionDeadline(shippedAt: number, protectionDays = DEFAULT_PROTECTION_DAYS): number {
  return shippedAt + protectionDays * DAY_MS;
}

export function protectionStatus(
  order: ProtectedOrder,
  options: { now: number; withinDays: number; protectionDays?: number },
): ProtectionStatus {
  const deadline = protectionDeadline(order.shippedAt, options.protectionDays);
  const left = deadline - options.now;
  return {
    deadline,
    daysLeft: Math.floor(left / DAY_MS),
    atRisk: order.state === 'active' && left <= options.withinDays * DAY_MS,
    expired: left <= 0,
  };
}

/** The orders at risk, most urgent (earliest deadline) first; ties by order id for a stable list. */
export function ordersAtRisk<T extends ProtectedOrder>(
  orders: readonly T[],
  options: { now: number; withinDays: number; protectionDaysFor: (store: string) => number | undefined },
): Array<T & { protection: ProtectionStatus }> {
  return orders
    .map((order) => ({
      ...order,
      protection: protectionStatus(order, {
        now: options.now,
        withinDays: options.withinDays,
        protectionDays: options.protectionDaysFor(order.store),
      }),
    }))
    .filter((o) => o.protection.atRisk)
    .sort((a, b) => a.protection.deadline - b.protection.deadline || a.orderId.localeCompare(b.orderId));
}
