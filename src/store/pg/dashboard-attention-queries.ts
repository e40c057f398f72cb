import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../dashboard-attention.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/dashboard-attention.ts`. */
export function pgDashboardAttentionQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('dashboard-attention', db);
}
