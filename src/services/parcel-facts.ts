import { parcelFacts, type ParcelFacts } from '../domain/parcel.js';
import { scanKind } from '../domain/replies.js';
import { scanDetailsAt } from '../providers/scan-details.js';
import type { Db } from '../store/db.js';
import type { OrderRow } from '../store/ledger.js';
import { isRegistered } from '../store/registrations.js';
import { latestDispute, scansOfOrder } from '../store/replies.js';

/** The parcel's facts at send time, from the ledger: its scans, delivery and whether a dispute closed. */
export function parcelFactsFor(db: Db, orderRow: Pick<OrderRow, 'orderId' | 'country' | 'state' | 'lastEventAt'>): ParcelFacts {
  const scans = scansOfOrder(db, orderRow.orderId).map((s) => ({
    kind: scanKind(s.providerStatus, s.milestone),
    providerStatus: s.providerStatus,
    at: s.occurredAt,
    ...scanDetailsAt(s.raw, s.occurredAt),
  }));
  const dispute = latestDispute(db, orderRow.orderId);
  return parcelFacts({
    scans,
    destination: orderRow.country,
    deliveredAt: orderRow.state === 'delivered' ? orderRow.lastEventAt : null,
    disputeClosed: dispute !== undefined && dispute.closedAt !== null,
    hasFeed: scans.length > 0 || isRegistered(db, orderRow.orderId),
  });
}
