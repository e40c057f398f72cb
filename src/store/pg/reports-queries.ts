import type { LedgerOps, QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../reports.js';
import { notPorted, notPortedCall } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/reports.ts`. */
export function pgReportsQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('reports', db);
}

export function pgLastEventReader(db: PgQ): ReturnType<LedgerOps['lastEventReader']> {
  return () => notPortedCall('reports.lastEventReader');
}
