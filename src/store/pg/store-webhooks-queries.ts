import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../store-webhooks.js';
import { notPorted } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/store-webhooks.ts`. */
export function pgStoreWebhooksQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('store-webhooks', db);
}
