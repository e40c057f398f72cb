/**
 * Which order a tracking event belongs to. Carriers recycle tracking
 * numbers, so two orders (of one store or two) may share one; and providers
 * replay whole histories, so an event may predate the parcel it is matched
 * to by months.
 */

/** An event this long before an order's shipped-at may still be its own (label printed, then shipped). */
export const EVENT_BEFORE_SHIPPED_MARGIN_MS = 2 * 86_400_000;

export interface MatchCandidate {
  orderId: string;
  carrier: string;
  shippedAt: number;
}

export type EventMatch<T extends MatchCandidate> =
  | { kind: 'none' }
  | { kind: 'matched'; order: T; ambiguousWith: string[] }
  /** Older than every candidate's shipped-at (minus the margin): kept on `order` for the record, applied to none. */
  | { kind: 'stale'; order: T; ambiguousWith: string[] };

/**
 * The carrier (when the event names one) narrows the candidates; of those
 * left, the order shipped nearest before the event (with the margin) wins.
 * Never more than one order: the others are named in `ambiguousWith`.
 */
export function matchEventToOrder<T extends MatchCandidate>(candidates: readonly T[], occurredAt: number, carrier: string | null): EventMatch<T> {
  if (candidates.length === 0) return { kind: 'none' };
  const sameCarrier = carrier ? candidates.filter((c) => c.carrier === carrier) : [];
  const pool = sameCarrier.length > 0 ? sameCarrier : candidates;
  const others = (chosen: T) => candidates.filter((c) => c !== chosen).map((c) => c.orderId).sort();
  const before = pool.filter((c) => c.shippedAt - EVENT_BEFORE_SHIPPED_MARGIN_MS <= occurredAt);
  if (before.length === 0) {
    const earliest = pool.reduce((a, b) => (b.shippedAt < a.shippedAt ? b : a));
    return { kind: 'stale', order: earliest, ambiguousWith: others(earliest) };
  }
  // Nearest before: the latest shipped-at not after the event; ties go to the first order entered.
  const nearest = before.reduce((a, b) => (b.shippedAt > a.shippedAt ? b : a));
  return { kind: 'matched', order: nearest, ambiguousWith: others(nearest) };
}
