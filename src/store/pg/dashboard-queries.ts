import type { LedgerOps, QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../dashboard.js';
import { notPorted, notPortedCall } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/dashboard.ts`. */
export function pgDashboardQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('dashboard', db);
}

export function pgDashboardDrift(db: PgQ): ReturnType<LedgerOps['dashboardDrift']> {
  return notPortedCall('dashboard.dashboardDrift');
}
