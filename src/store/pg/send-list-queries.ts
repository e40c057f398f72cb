import type { LedgerOps, QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../send-list.js';
import { notPorted, notPortedCall } from './not-ported.js';
import type { PgQ } from './queries.js';

/** PostgreSQL twins of `src/store/send-list.ts`. */
export function pgSendListQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return notPorted<QueriesOf<typeof sqlite>>('send-list', db);
}

export function pgIterateSends(db: PgQ, ...args: Parameters<LedgerOps['iterateSends']>): ReturnType<LedgerOps['iterateSends']> {
  return { [Symbol.asyncIterator]: () => ({ next: () => notPortedCall('sendList.iterateSends') }) };
}
