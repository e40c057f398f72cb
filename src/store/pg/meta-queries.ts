import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../meta.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/meta.ts`. */
export function pgMetaQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('meta', db);
}
