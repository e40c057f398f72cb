import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { freshPostgresDatabase, postgresUrl, queryPostgres, TEST_PG_PASSWORD } from '../../helpers/postgres.js';
import { knownPgMigrations } from '../../../src/store/pg/migration-state.js';
import { cliEnv, parseJson, runCli } from '../cli/run-cli.js';

/** `postship migrate` and `doctor` on PostgreSQL, and the refusal of what needs a SQLite file. */
describe('PostgreSQL ledger: migrate, doctor, refusals', () => {
  const known = knownPgMigrations().map((m) => m.tag);
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('migrate creates every table on a fresh database, then is up to date', async () => {
    const url = await freshPostgresDatabase('migrate');
    const first = await runCli(['migrate', '--json'], cliEnv(dir, { POSTSHIP_DB: url }));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const out = parseJson(first);
    expect(known.slice(0, 2)).toEqual(['0000_init', '0001_registration_counts_triggers']);
    expect(out).toMatchObject({ engine: 'postgres', created: true, applied: known });
    expect(out.database).not.toContain(TEST_PG_PASSWORD);
    const tables = await queryPostgres<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['orders', 'sends', 'tracking_events', 'tracking_registrations', 'tracking_registration_counts', 'feedback', 'disputes', 'meta', 'suppressions', 'api_tokens', 'store_webhooks']));
    const again = await runCli(['migrate'], cliEnv(dir, { POSTSHIP_DB: url }));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`up to date (${known.length} migrations)`);
    expect(again.stdout).toContain('postgres://postship:***@127.0.0.1:');
  });

  it('the registration counts follow inserts, state changes and deletes, as SQLite\'s triggers keep them', async () => {
    const url = await freshPostgresDatabase('triggers');
    expect((await runCli(['migrate'], cliEnv(dir, { POSTSHIP_DB: url }))).code).toBe(0);
    const now = Date.now();
    await queryPostgres(url, `INSERT INTO orders (order_id, store, buyer_name, buyer_email, buyer_locale, buyer_timezone, country, carrier, tracking_number, shipped_at, created_at, updated_at)
      SELECT 'O' || i, 'default', 'Ana', 'ana@example.com', 'pt-BR', 'America/Sao_Paulo', 'BR', 'cainiao', 'LP' || i, $1, $1, $1 FROM generate_series(1, 3) i`, [now]);
    await queryPostgres(url, `INSERT INTO tracking_registrations (order_id, provider, tracking_number, carrier, state, created_at, updated_at)
      SELECT 'O' || i, '17track', 'LP' || i, 'cainiao', 'pending', $1, $1 FROM generate_series(1, 3) i`, [now]);
    await queryPostgres(url, "UPDATE tracking_registrations SET state = 'registered' WHERE order_id IN ('O1', 'O2')");
    await queryPostgres(url, "UPDATE tracking_registrations SET attempts = attempts + 1"); // not a state change: counts stay
    await queryPostgres(url, "DELETE FROM tracking_registrations WHERE order_id = 'O2'");
    const counts = await queryPostgres<{ provider: string; state: string; n: number }>(url, 'SELECT provider, state, n FROM tracking_registration_counts ORDER BY state');
    expect(counts).toEqual([
      { provider: '17track', state: 'pending', n: 1 },
      { provider: '17track', state: 'registered', n: 1 },
    ]);
  });

  it('doctor names the engine and the migration state', { timeout: 120_000 }, async () => {
    const url = await freshPostgresDatabase('doctor');
    const before = await runCli(['doctor', '--json'], cliEnv(dir, { POSTSHIP_DB: url }));
    const checks = parseJson<{ checks: Array<{ check: string; result: string; detail: string }> }>(before).checks;
    expect(checks.find((c) => c.check === 'database')).toMatchObject({ result: 'ok', detail: expect.stringMatching(/^PostgreSQL \d+\.\d+ at postgres:\/\/postship:\*\*\*@127\.0\.0\.1:\d+\/doctor_\w+ reachable$/) });
    expect(checks.find((c) => c.check === 'migrations')).toMatchObject({ result: 'fail', detail: `${known.length} pending: ${known.join(', ')}` });
    // The tests' server runs without fsync: doctor says what a crash would cost.
    expect(checks.find((c) => c.check === 'durability')).toMatchObject({ result: 'warn', detail: expect.stringMatching(/^fsync=off, synchronous_commit=off: a server crash can forget/) });
    await runCli(['migrate'], cliEnv(dir, { POSTSHIP_DB: url }));
    const after = parseJson<{ checks: Array<{ check: string; result: string; detail: string }> }>(await runCli(['doctor', '--json'], cliEnv(dir, { POSTSHIP_DB: url })));
    expect(after.checks.find((c) => c.check === 'migrations')).toMatchObject({ result: 'ok', detail: `current (${known.length} applied)` });
    expect(JSON.stringify(after)).not.toContain(TEST_PG_PASSWORD);
  });

  it('an unreachable server, a wrong password and a missing database each get one clear error, exit 1, no password shown', async () => {
    const server = new URL(postgresUrl());
    const refused = await runCli(['migrate'], cliEnv(dir, { POSTSHIP_DB: 'postgres://postship:s3cret@127.0.0.1:1/postship' }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: cannot reach PostgreSQL at 127.0.0.1:1 (database "postship"): connection refused');
    expect(refused.stderr).toContain('hint: Start PostgreSQL on 127.0.0.1:1, or fix the host and port in POSTSHIP_DB');

    const badPassword = await runCli(['migrate'], cliEnv(dir, { POSTSHIP_DB: `postgres://postship:wrong-pw@127.0.0.1:${server.port}/postgres` }));
    expect(badPassword.code).toBe(1);
    expect(badPassword.stderr).toContain(`error: PostgreSQL at 127.0.0.1:${server.port} refused user "postship" for database "postgres": password authentication failed`);
    expect(badPassword.stderr).toContain('hint: Check the user name and password in POSTSHIP_DB');

    const missing = await runCli(['migrate'], cliEnv(dir, { POSTSHIP_DB: `postgres://postship:${TEST_PG_PASSWORD}@127.0.0.1:${server.port}/nope` }));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`error: PostgreSQL at 127.0.0.1:${server.port} has no database "nope"`);
    expect(missing.stderr).toContain(`hint: Create it (createdb -h 127.0.0.1 -p ${server.port} -U postship nope), then run \`postship migrate\`.`);
    for (const r of [refused, badPassword, missing]) expect(r.stderr).not.toMatch(/s3cret|wrong-pw|pw-test/);
  });

  it('a URL without a database is bad input, exit 2', async () => {
    const result = await runCli(['migrate'], cliEnv(dir, { POSTSHIP_DB: 'postgres://postship:s3cret@db.internal:5432' }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: POSTSHIP_DB: "postgres://***@db.internal:5432" names no database: add it after the host (db.internal:5432/postship)');
    expect(result.stderr).not.toContain('s3cret');
  });

  it('the command that needs a SQLite file (db backup) refuses a PostgreSQL URL with what to use instead, before touching anything', async () => {
    const url = await freshPostgresDatabase('refuse');
    const env = cliEnv(dir, { POSTSHIP_DB: url });
    // Every other command runs on PostgreSQL (test/integration/postgres/cli.test.ts); a file backup is SQLite's.
    const result = await runCli(['db', 'backup', dir.file('backup.db')], env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^error: `postship db backup` works on a SQLite file, and POSTSHIP_DB is a PostgreSQL URL \(postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/refuse_\w+\)$/),
      "hint: On PostgreSQL, use PostgreSQL's own tools (pg_dump) for this.",
    ]);
    expect(result.stderr).not.toContain(TEST_PG_PASSWORD);
    const tables = await queryPostgres(url, "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'");
    expect(tables).toEqual([]);
  });
});
