/**
 * The same ledger on both engines, for contract tests: a fresh SQLite file
 * and a fresh PostgreSQL database, each migrated, behind the one Ledger door.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ledger } from '../../src/store/ledger-api.js';
import { postgresLedger } from '../../src/store/pg/pg-ledger.js';
import { openSqliteLedger } from '../../src/store/sqlite-ledger.js';
import { freshPostgresDatabase } from './postgres.js';

export interface LedgerPair {
  sqlite: Ledger;
  postgres: Ledger;
  /** Both, for `for (const ledger of pair.both)`. */
  both: Ledger[];
  close(): Promise<void>;
}

export async function sqliteTestLedger(): Promise<{ ledger: Ledger; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'postship-ledger-'));
  const ledger = openSqliteLedger(join(dir, 'postship.db'));
  return { ledger, close: async () => { await ledger.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export async function postgresTestLedger(): Promise<{ ledger: Ledger; url: string; close(): Promise<void> }> {
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
