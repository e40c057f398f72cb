import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../replies.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/replies.ts`. */
export function pgRepliesQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('replies', db);
}
