import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { openPgLedger, PG_MIGRATIONS_DIR } from './ledger.js';

export interface PgMigrationState {
  known: string[];
  applied: string[];
  pending: string[];
}

interface Journal {
  entries: Array<{ tag: string; when: number }>;
}

/** The migrations in migrations/postgres, by tag, in order. */
export function knownPgMigrations(): Journal['entries'] {
  return (JSON.parse(readFileSync(join(PG_MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as Journal).entries;
}

/**
 * Which migrations a PostgreSQL ledger has, read without applying any:
 * drizzle records each by its folder timestamp, the newest applied one decides.
 */
export async function pgMigrationState(pool: pg.Pool): Promise<PgMigrationState> {
  const entries = knownPgMigrations();
  const known = entries.map((e) => e.tag);
  // Two queries: PostgreSQL resolves every table a statement names before it runs, even in a branch not taken.
  const table = await pool.query<{ t: string | null }>("SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t");
  const last = table.rows[0]?.t
    ? (await pool.query<{ last: string | null }>('SELECT max(created_at)::text AS last FROM drizzle.__drizzle_migrations')).rows[0]?.last ?? null
    : null;
  const applied = entries.filter((e) => last !== null && e.when <= Number(last)).map((e) => e.tag);
  return { known, applied, pending: known.filter((t) => !applied.includes(t)) };
}

/** The server's version, e.g. `15.18`. */
export async function pgServerVersion(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  return rows[0]?.v.split(' ')[0] ?? 'unknown';
}

/** The settings that decide whether a commit the server acknowledged survives its crash. */
export interface PgDurability {
  fsync: string;
  synchronousCommit: string;
}

async function pgDurability(pool: pg.Pool): Promise<PgDurability> {
  const { rows } = await pool.query<{ f: string; s: string }>("SELECT current_setting('fsync') AS f, current_setting('synchronous_commit') AS s");
  return { fsync: rows[0]?.f ?? 'unknown', synchronousCommit: rows[0]?.s ?? 'unknown' };
}

/** Connects without migrating: the server's version, durability and the migration state (doctor). */
export async function inspectPgLedger(url: string): Promise<{ version: string; durability: PgDurability; state: PgMigrationState }> {
  const ledger = await openPgLedger(url, { migrate: false, max: 1 });
  try {
    return { version: await pgServerVersion(ledger.pool), durability: await pgDurability(ledger.pool), state: await pgMigrationState(ledger.pool) };
  } finally {
    await ledger.close();
  }
}

/** Applies what is pending (`postship migrate`); the state before and after. */
export async function migratePgLedger(url: string): Promise<{ before: PgMigrationState; after: PgMigrationState }> {
  const { state: before } = await inspectPgLedger(url);
  const ledger = await openPgLedger(url, { max: 1 });
  try {
    return { before, after: await pgMigrationState(ledger.pool) };
  } finally {
    await ledger.close();
  }
}
