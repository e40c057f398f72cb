import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../api-tokens.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/api-tokens.ts`. */
export function pgApiTokensQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('api-tokens', db);
}
