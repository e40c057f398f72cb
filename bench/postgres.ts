/**
 * The bench's own throw-away PostgreSQL (`--db postgres|both`): `initdb` into a
 * temp folder and `pg_ctl start` on a free loopback port, as the `postgres`
 * user (or `nobody`) when the bench runs as root, since PostgreSQL refuses to
 * run as root. Each measurement gets a fresh database, dropped after it.
 *
 * A small copy of test/helpers/postgres.ts (startEphemeralPostgres) and
 * test/helpers/prerequisites.ts (findPostgres): the build (tsconfig.build.json)
 * compiles src, jobs and bench but not test, so the bench cannot import them.
 * Unlike the tests' server, this one keeps PostgreSQL's durability settings by
 * default (fsync, synchronous_commit, full_page_writes on): see DURABILITY.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { freePort } from '../src/queue/ephemeral-redis.js';

/**
 * BENCH_PG_DURABILITY: how much the throw-away server syncs.
 * - `full` (default): PostgreSQL's defaults, every commit flushed to disk
 *   before it returns; stricter than the bench's SQLite (WAL, synchronous=NORMAL,
 *   which syncs at checkpoints, not at commits).
 * - `normal`: fsync on, synchronous_commit off: a commit returns before its
 *   WAL is flushed (the WAL writer flushes within 200 ms); a power loss may
 *   drop the last commits but never corrupts, which is what SQLite's
 *   synchronous=NORMAL in WAL mode promises too.
 * - `off`: the tests' settings (fsync, synchronous_commit, full_page_writes
 *   off): a crash of the machine may corrupt the data; not a fair figure.
 */
export const DURABILITY = {
  full: { settings: ['fsync=on', 'synchronous_commit=on', 'full_page_writes=on'], note: 'every commit flushed before it returns (PostgreSQL defaults): stricter than the SQLite side (WAL, synchronous=NORMAL)' },
  normal: { settings: ['fsync=on', 'synchronous_commit=off', 'full_page_writes=on'], note: 'commits not flushed before they return, like the SQLite side (WAL, synchronous=NORMAL)' },
  off: { settings: ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'], note: 'NOT durable (the tests\' settings): faster than any production server' },
} as const;
export type Durability = keyof typeof DURABILITY;

export interface BenchPostgres {
  /** PostgreSQL's version, as `SHOW server_version` answers. */
  version: string;
  durability: Durability;
  /** Every `-c` the server was started with. */
  settings: string[];
  /** A new, empty database on the server: its URL, and how to drop it once its pools are closed. */
  freshDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
  stop(): void;
}

const PASSWORD = 'pw-bench';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The folder of initdb and pg_ctl: POSTGRES_BIN, else Debian's newest /usr/lib/postgresql/<version>/bin, else PATH (as test/helpers/prerequisites.ts). */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env, debianRoot = '/usr/lib/postgresql'): string {
  const has = (dir: string) => executable(join(dir, 'initdb')) && executable(join(dir, 'pg_ctl'));
  const fix = 'install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) or set POSTGRES_BIN to the folder holding initdb and pg_ctl';
  if (env.POSTGRES_BIN) {
    if (has(env.POSTGRES_BIN)) return env.POSTGRES_BIN;
    throw new Error(`--db postgres: no initdb and pg_ctl in POSTGRES_BIN=${env.POSTGRES_BIN}: ${fix}`);
  }
  let versions: string[] = [];
  try {
    versions = readdirSync(debianRoot).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  } catch {
    // No Debian layout: PATH decides.
  }
  const found = versions.map((v) => join(debianRoot, v, 'bin')).find(has) ??
    (env.PATH ?? '').split(delimiter).filter((d) => d !== '').find(has);
  if (!found) throw new Error(`--db postgres: PostgreSQL server programs (initdb, pg_ctl) not found (looked at ${debianRoot}/<version>/bin and PATH): ${fix}`);
  return found;
}

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

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Dropped once nobody is connected: never `WITH (FORCE)`, which would kill a
 * connection some pool still holds (an unhandled ECONNRESET that ends the
 * bench). One still in use after 5 s is left, said so, for the server's end.
 */
async function dropDatabase(server: string, database: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await query(server, `DROP DATABASE IF EXISTS "${database}"`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006') throw err; // object_in_use: someone is still connected.
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const { rows } = await query(server, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${database}'`);
  console.log(`  (database ${database} still had ${rows[0]?.n} connection(s) 5 s after its runtime closed: left until the server stops)`);
}

export async function startBenchPostgres(binDir: string, durability: Durability): Promise<BenchPostgres> {
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'postship-bench-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${PASSWORD}\n`);
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  chmodSync(dir, 0o700);
  run(binDir, user, 'initdb', ['-D', data, '-U', 'postship', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Everything else at PostgreSQL's defaults (shared_buffers 128 MB, max_wal_size 1 GB...), as a fresh install has them.
  const settings = ['listen_addresses=127.0.0.1', ...DURABILITY[durability].settings, 'max_connections=200'];
  const options = `-p ${port} -k ${dir} ${settings.map((s) => `-c ${s}`).join(' ')}`;
  run(binDir, user, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    try {
      run(binDir, user, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A bench that dies (an unhandled error, process.exit) takes its server with it.
  process.on('exit', stop);
  const server = `postgres://postship:${PASSWORD}@127.0.0.1:${port}/postgres`;
  try {
    const version = String((await query(server, 'SHOW server_version')).rows[0].server_version);
    return {
      version,
      durability,
      settings: settings.filter((s) => !s.startsWith('listen_addresses')),
      async freshDatabase() {
        const database = `bench_${randomBytes(4).toString('hex')}`;
        await query(server, `CREATE DATABASE "${database}"`);
        const url = new URL(server);
        url.pathname = `/${database}`;
        return { url: url.toString(), drop: () => dropDatabase(server, database) };
      },
      stop,
    };
  } catch (err) {
    stop();
    throw err;
  }
}
