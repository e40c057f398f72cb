/**
 * The same ledger on both engines, for contract tests: a fresh SQLite file
 * and a fresh PostgreSQL database, each migrated, behind the one OpenLedger door.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/store/db.js';
import type { OpenLedger } from '../../src/store/ledger-api.js';
import { postgresLedger } from '../../src/store/pg/pg-ledger.js';
import { openSqliteLedger } from '../../src/store/sqlite-ledger.js';
import { freshPostgresDatabase } from './postgres.js';

export interface LedgerPair {
  sqlite: OpenLedger;
  postgres: OpenLedger;
  /** Both, for `for (const ledger of pair.both)`. */
  both: OpenLedger[];
  close(): Promise<void>;
}

export async function sqliteTestLedger(): Promise<{ ledger: OpenLedger; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'postship-ledger-'));
  const ledger = openSqliteLedger(join(dir, 'postship.db'));
  return { ledger, close: async () => { await ledger.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export async function postgresTestLedger(): Promise<{ ledger: OpenLedger; url: string; close(): Promise<void> }> {
  const url = await freshPostgresDatabase('ledger');
  const ledger = postgresLedger(url);
  await ledger.check(); // connects and migrates now, so the test's first call measures nothing of it
  return { ledger, url, close: () => ledger.close() };
}

export async function ledgerPair(): Promise<LedgerPair> {
  const a = await sqliteTestLedger();
  const b = await postgresTestLedger();
  return {
    sqlite: a.ledger,
    postgres: b.ledger,
    both: [a.ledger, b.ledger],
    close: async () => {
      await a.close();
      await b.close();
    },
  };
}

/**
 * The SQLite connection under a runtime's ledger, for tests that set up or
 * inspect rows with the synchronous store functions. Throws on PostgreSQL.
 */
export function sqliteOf(owner: { ledger: OpenLedger } | OpenLedger): Db {
  const ledger = 'ledger' in owner ? owner.ledger : owner;
  if (!ledger.sqlite) throw new Error(`the ledger ${ledger.name} is not SQLite`);
  return ledger.sqlite;
}
