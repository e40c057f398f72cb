import type { LedgerOps, QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../order-batch.js';
import { notPorted, notPortedCall } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/order-batch.ts`. */
export function pgOrderBatchQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('order-batch', db);
}

/** The bulk import's batch writer on PostgreSQL. */
export function pgOrderBatchWriter(db: PgQ): ReturnType<LedgerOps['orderBatchWriter']> {
  return () => notPortedCall('orderBatch.orderBatchWriter');
}
