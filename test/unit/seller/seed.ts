import { openDb, type Db } from '../../../src/store/db.js';
import { orders, sends, trackingEvents } from '../../../src/store/schema.js';
import { insertRows, type LedgerOwner } from '../../helpers/ledgers.js';

export function memoryDb(): Db {
  return openDb(':memory:');
}

export interface SeedOrder {
  orderId: string;
  store?: string;
  country?: string;
  carrier?: string;
  timezone?: string;
  shippedAt: string;
  state?: 'active' | 'delivered' | 'returned' | 'cancelled';
  stageRank?: number;
  trackingNumber?: string;
}

export function seedOrder(db: Db, o: SeedOrder): void {
  db.insert(orders).values(orderRow(o)).run();
}

function orderRow(o: SeedOrder): typeof orders.$inferInsert {
  const at = Date.parse(o.shippedAt);
  return {
    orderId: o.orderId,
    store: o.store ?? 'acme',
    buyerName: 'Ana',
    buyerEmail: `${o.orderId.toLowerCase()}@example.com`,
    buyerLocale: 'es',
    buyerTimezone: o.timezone ?? 'Europe/Madrid',
    country: o.country ?? 'ES',
    carrier: o.carrier ?? 'china-post',
    trackingNumber: o.trackingNumber ?? `RR${o.orderId}CN`,
    shippedAt: at,
    state: o.state ?? 'active',
    stageRank: o.stageRank ?? 0,
    createdAt: at,
    updatedAt: at,
  };
}

let eventSeq = 0;
export function seedEvent(db: Db, orderId: string, milestone: string, occurredAt: string, providerStatus = milestone): void {
  db.insert(trackingEvents).values(eventRow(orderId, milestone, occurredAt, providerStatus)).run();
}

function eventRow(orderId: string, milestone: string, occurredAt: string, providerStatus: string): typeof trackingEvents.$inferInsert {
  const at = Date.parse(occurredAt);
  eventSeq += 1;
  return {
    provider: 'generic',
    dedupKey: `k${eventSeq}`,
    trackingNumber: `RR${orderId}CN`,
    orderId,
    providerStatus,
    milestone,
    occurredAt: at,
    receivedAt: at,
    processedAt: at,
    outcome: 'test',
    raw: '{}',
  };
}

/** The same seeds on either engine, through a ledger owner (test/helpers/ledgers.ts). */
export const seedOrderInto = (owner: LedgerOwner, o: SeedOrder) => insertRows(owner, 'orders', [orderRow(o)]);
export const seedEventInto = (owner: LedgerOwner, orderId: string, milestone: string, occurredAt: string, providerStatus = milestone) =>
  insertRows(owner, 'trackingEvents', [eventRow(orderId, milestone, occurredAt, providerStatus)]);

export function seedSend(
  db: Db,
  orderId: string,
  milestone: string,
  status: 'scheduled' | 'sent' | 'skipped' | 'failed',
  dueAt: string,
  extra: { sentAt?: string; reason?: string } = {},
): void {
  const due = Date.parse(dueAt);
  db.insert(sends)
    .values({
      orderId,
      milestone,
      status,
      dueAt: due,
      sentAt: extra.sentAt ? Date.parse(extra.sentAt) : null,
      reason: extra.reason ?? null,
      createdAt: due,
      updatedAt: due,
    })
    .run();
}
