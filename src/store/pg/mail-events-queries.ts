import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../mail-events.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/mail-events.ts`. */
export function pgMailEventsQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('mail-events', db);
}
