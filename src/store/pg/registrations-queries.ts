import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../registrations.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/registrations.ts`. */
export function pgRegistrationsQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('registrations', db);
}
