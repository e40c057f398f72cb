import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../prune.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/prune.ts`. */
export function pgPruneQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('prune', db);
}
