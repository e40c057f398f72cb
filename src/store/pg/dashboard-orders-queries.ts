import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../dashboard-orders.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/dashboard-orders.ts`. */
export function pgDashboardOrdersQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('dashboard-orders', db);
}
