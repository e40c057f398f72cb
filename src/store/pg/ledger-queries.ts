import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../ledger.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/ledger.ts`. */
export function pgLedgerQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('ledger', db);
}
