import { parcelFacts, type ParcelFacts } from '../domain/parcel.js';
import { scanKind } from '../domain/replies.js';
import { scanDetailsAt } from '../providers/scan-details.js';
import type { Ledger } from '../store/ledger-api.js';
import type { OrderRow } from '../store/ledger.js';

/** The parcel's facts at send time, from the ledger: its scans, delivery and whether a dispute closed. */
export async function parcelFactsFor(ledger: Ledger, orderRow: Pick<OrderRow, 'orderId' | 'country' | 'state' | 'lastEventAt'>): Promise<ParcelFacts> {
  const scans = (await ledger.scansOfOrder(orderRow.orderId)).map((s) => ({
    kind: scanKind(s.providerStatus, s.milestone),
    providerStatus: s.providerStatus,
    at: s.occurredAt,
    ...scanDetailsAt(s.raw, s.occurredAt),
  }));
  const dispute = await ledger.latestDispute(orderRow.orderId);
  return parcelFacts({
    scans,
    destination: orderRow.country,
    deliveredAt: orderRow.state === 'delivered' ? orderRow.lastEventAt : null,
    disputeClosed: dispute !== undefined && dispute.closedAt !== null,
    hasFeed: scans.length > 0 || await ledger.isRegistered(orderRow.orderId),
  });
}
