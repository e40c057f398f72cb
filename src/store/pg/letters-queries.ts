import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../letters.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/letters.ts`. */
export function pgLettersQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('letters', db);
}
