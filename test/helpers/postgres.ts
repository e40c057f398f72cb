/**
 * A throw-away PostgreSQL for the test run: `initdb` into a temp folder and
 * `pg_ctl start` on a free loopback port (socket in the same folder), as the
 * `postgres` user (or `nobody`) when the suite runs as root, since PostgreSQL
 * refuses to run as root. Global setup starts it once; each test makes its
 * own database with `freshPostgresDatabase()`.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { freePort } from '../../src/queue/ephemeral-redis.js';

export interface EphemeralPostgres {
  /** postgres://postship:<password>@127.0.0.1:<port>/postgres */
  url: string;
  /** Kills the server as a crash would (`-m immediate`), keeping its data: `start()` brings it back on the same port. */
  crash(): void;
  start(): void;
  stop(): void;
}

/** The superuser's password: host connections use scram-sha-256, so a wrong password fails as it would in production. */
export const TEST_PG_PASSWORD = 'pw-test';

/** A non-root account to run the server as, when we are root. */
function serverUser(): { name: string; uid: number; gid: number } | null {
  if (userInfo().uid !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0) return { name, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root, and there is no "postgres" or "nobody" account to run PostgreSQL as');
}

function run(binDir: string, user: ReturnType<typeof serverUser>, program: string, args: string[]): void {
  const command = user ? 'runuser' : join(binDir, program);
  const argv = user ? ['-u', user.name, '--', join(binDir, program), ...args] : args;
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: tmpdir() });
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/**
 * `durable`: PostgreSQL's own defaults (fsync, synchronous_commit), for a test
 * that crashes the server: without them a crash forgets commits it had
 * acknowledged, which no production server does.
 */
export async function startEphemeralPostgres(binDir: string, options: { durable?: boolean } = {}): Promise<EphemeralPostgres> {
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'postship-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${TEST_PG_PASSWORD}\n`);
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  chmodSync(dir, 0o700);
  run(binDir, user, 'initdb', ['-D', data, '-U', 'postship', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Durability is not under test in most tests: fsync off keeps two cores' worth of tests quick.
  const durability = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${durability} -c max_connections=200`;
  const start = () => run(binDir, user, 'pg_ctl', ['-D', data, '-o', serverOptions, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  start();
  let stopped = false;
  return {
    url: `postgres://postship:${TEST_PG_PASSWORD}@127.0.0.1:${port}/postgres`,
    crash: () => run(binDir, user, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    start,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(binDir, user, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already down (a test crashed it and did not start it again): only the files are left.
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The run's PostgreSQL server (started by global setup), as its superuser's URL. */
export function postgresUrl(): string {
  return inject('postgresUrl');
}

/** A new, empty database on the run's server; its URL. Dropped with the server at the end of the run. */
export async function freshPostgresDatabase(name = 't'): Promise<string> {
  const server = postgresUrl();
  const database = `${name}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs one query against a database URL, for tests that look at what a command wrote. */
export async function queryPostgres<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
