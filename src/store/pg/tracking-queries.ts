import type { LedgerOps, QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../tracking.js';
import { notPorted, notPortedCall } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/tracking.ts`. */
export function pgTrackingQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('tracking', db);
}

/** Stores webhook deliveries' events as they arrive (each delivery in its own transaction). */
export function pgTrackingEventWriter(db: PgQ, clock: () => number): ReturnType<LedgerOps['trackingEventWriter']> {
  return () => notPortedCall('tracking.trackingEventWriter');
}
