import type { OpenLedger } from './ledger-api.js';
import { postgresLedger } from './pg/pg-ledger.js';
import { isPostgresUrl } from './pg/url.js';
import { openSqliteLedger } from './sqlite-ledger.js';

/**
 * The ledger `POSTSHIP_DB` names: a `postgres://` URL opens PostgreSQL (connected
 * and migrated on first use), anything else is a SQLite file, opened and migrated now.
 */
export function openLedger(pathOrUrl: string, options: { migrate?: boolean; source?: string } = {}): OpenLedger {
  return isPostgresUrl(pathOrUrl) ? postgresLedger(pathOrUrl, options) : openSqliteLedger(pathOrUrl, options);
}
