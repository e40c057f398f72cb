import { join } from 'node:path';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { RuntimeError } from '../../domain/errors.js';
import { MIGRATIONS_DIR } from '../../paths.js';
import * as schema from '../schema-pg.js';
import { pgTarget, redactPgUrl } from './url.js';

// Times and ids are bigint (int8): as JavaScript numbers, like SQLite's, rather than strings (exact below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export const PG_MIGRATIONS_DIR = join(MIGRATIONS_DIR, 'postgres');

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export interface PgLedger {
  db: PgDb;
  pool: pg.Pool;
  /** What it is connected to, without the password: `postgres://user:***@host:5432/db`. */
  name: string;
  close(): Promise<void>;
}

export interface PgOpenOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** Where the URL came from, for the hint: `POSTSHIP_DB` (default) or `--to`. */
  source?: string;
  /** Connections in the pool (default 10). */
  max?: number;
}

/** Any lock id will do, as long as every postship process uses the same one. */
const MIGRATION_LOCK = 0x706f7374; // "post"

/**
 * Connects to the PostgreSQL ledger (one pool) and applies migrations/postgres.
 * A connection that fails is one RuntimeError naming the host, the database
 * and the fix: refused, unknown host, wrong password, missing database.
 */
export async function openPgLedger(url: string, options: PgOpenOptions = {}): Promise<PgLedger> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle connection that breaks (server restart) must not crash the process: the next query reports it.
  pool.on('error', () => undefined);
  const ledger: PgLedger = { db: drizzle(pool, { schema }) as PgDb, pool, name: redactPgUrl(url), close: () => closePool(pool) };
  try {
    const client = await pool.connect().catch((err: unknown) => {
      throw pgConnectError(url, err, options.source ?? 'POSTSHIP_DB');
    });
    try {
      if (options.migrate !== false) await migrateWithLock(client, url);
    } finally {
      client.release();
    }
  } catch (err) {
    await ledger.close();
    throw err;
  }
  return ledger;
}

const closing = new WeakMap<pg.Pool, Promise<void>>();
function closePool(pool: pg.Pool): Promise<void> {
  let done = closing.get(pool);
  if (!done) {
    done = pool.end();
    closing.set(pool, done);
  }
  return done;
}

/** Two processes starting at once must not both run a migration: one waits for the other. */
async function migrateWithLock(client: pg.PoolClient, url: string): Promise<void> {
  const db = drizzle(client);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(db, { migrationsFolder: PG_MIGRATIONS_DIR });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } catch (err) {
    throw new RuntimeError('db_migrate_failed', `cannot migrate ${redactPgUrl(url)}: ${(err as Error).message}`, undefined, { cause: err });
  }
}

/** The error codes that say why a connection failed: Node's for the network, PostgreSQL's SQLSTATE for the server. */
function errorCodes(err: unknown): string[] {
  const e = err as { code?: string; errors?: unknown[] };
  return [e?.code, ...(e?.errors ?? []).map((x) => (x as { code?: string })?.code)].filter((c): c is string => typeof c === 'string');
}

export function pgConnectError(url: string, err: unknown, source: string): RuntimeError {
  const t = pgTarget(url);
  const where = `PostgreSQL at ${t.host}:${t.port}`;
  const codes = errorCodes(err);
  const reason = (err as Error)?.message || String(err);
  const fail = (message: string, hint: string) => new RuntimeError('db_unavailable', message, hint, { cause: err });
  if (codes.includes('ECONNREFUSED')) {
    return fail(`cannot reach ${where} (database "${t.database}"): connection refused`, `Start PostgreSQL on ${t.host}:${t.port}, or fix the host and port in ${source} (postgres://user:password@host:5432/database).`);
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return fail(`cannot reach ${where}: no such host "${t.host}"`, `Fix the host name in ${source}.`);
  }
  if (codes.includes('28P01') || codes.includes('28000')) {
    return fail(`${where} refused user "${t.user}" for database "${t.database}": ${reason}`, `Check the user name and password in ${source} (percent-encode reserved characters in them), and that pg_hba.conf lets this host in.`);
  }
  if (codes.includes('3D000')) {
    return fail(`${where} has no database "${t.database}"`, `Create it (createdb -h ${t.host} -p ${t.port} -U ${t.user || 'postgres'} ${t.database}), then run \`postship migrate\`.`);
  }
  if (codes.includes('ETIMEDOUT') || /timeout/i.test(reason)) {
    return fail(`cannot reach ${where} (database "${t.database}"): no answer within 10 s`, `Check ${t.host}:${t.port} is reachable from this machine (firewall, listen_addresses), or fix ${source}.`);
  }
  return fail(`cannot connect to ${where} (database "${t.database}"): ${reason}`, `Check ${source}: postgres://user:password@host:5432/database.`);
}
