/**
 * The seller's commands on a PostgreSQL POSTSHIP_DB, as processes: the same
 * sequence runs on a SQLite file and on a fresh PostgreSQL database, and every
 * answer must be the same (ids, timelines, lists, exports), besides what each
 * answer must say on its own.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, queryPostgres } from '../../helpers/postgres.js';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, FIXTURES, ORDER_FLAGS, parseJson, runCli, type CliResult } from '../cli/run-cli.js';

type Engine = 'sqlite' | 'postgres';

describe('the CLI on PostgreSQL answers as on SQLite', () => {
  let dir: TempDir;
  let pgUrl: string;
  const envs = {} as Record<Engine, Record<string, string>>;

  beforeAll(async () => {
    dir = tempDir();
    pgUrl = await freshPostgresDatabase('cli');
    const config = { POSTSHIP_CONFIG: join(FIXTURES, 'always-open.config.json') };
    envs.sqlite = cliEnv(dir, config);
    envs.postgres = { ...cliEnv(dir, config), POSTSHIP_DB: pgUrl, POSTSHIP_OUTBOX: dir.file('outbox-pg') };
  });
  afterAll(() => dir.remove());

  /** Runs one command on both engines; returns both results (exit codes must agree). */
  async function both(args: string[], options: { stdin?: string } = {}): Promise<Record<Engine, CliResult>> {
    const sqlite = await runCli(args, envs.sqlite, options);
    const postgres = await runCli(args, envs.postgres, options);
    const db = (text: string, engine: Engine) => text.replaceAll(envs[engine].POSTSHIP_DB, '<db>').replace(/postgres:\/\/\S+/g, '<db>');
    expect({ args, code: postgres.code, stderr: db(postgres.stderr, 'postgres') }).toEqual({ args, code: sqlite.code, stderr: db(sqlite.stderr, 'sqlite') });
    return { sqlite, postgres };
  }

  /** JSON answers with the clock's own values (times, durations) taken out. */
  const stable = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value, (key, v) => (/(Utc|At|Local|ms|durationMs|seconds|until|daysLeft)$/.test(key) && v !== null ? '<time>' : v)));

  async function sameJson(args: string[]) {
    const r = await both([...args, '--json']);
    expect(r.postgres.code).toBe(0);
    const pg = parseJson(r.postgres);
    expect(stable(pg)).toEqual(stable(parseJson(r.sqlite)));
    return pg;
  }

  it('migrate, enqueue, import, status, list, export, cancel, resend, dispute, feedback, tokens and reports', async () => {
    expect((await runCli(['migrate'], envs.sqlite)).code).toBe(0);
    const migrate = await runCli(['migrate'], envs.postgres);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout + migrate.stderr).toMatch(/postgres/i);

    const entered = await sameJson(['enqueue', '--order-id', 'PG-1', ...ORDER_FLAGS, 'LP00000001CN']);
    expect(entered.orders[0].sends.map((s: { milestone: string }) => s.milestone)).toEqual(['shipped', 'day1', 'day14']);
    await sameJson(['enqueue', '--order-id', 'PG-2', ...ORDER_FLAGS, 'LP00000002CN']);

    const imported = await both(['import', join(FIXTURES, 'orders.csv'), '--json']);
    // The fixture has invalid rows on purpose: 2 says so, after importing the valid ones.
    expect(imported.postgres.code).toBe(2);
    const summary = parseJson(imported.postgres);
    expect(summary.imported).toBeGreaterThan(0);
    expect(stable(summary)).toEqual(stable(parseJson(imported.sqlite)));
    // Again: nothing new, on both.
    const again = parseJson((await both(['import', join(FIXTURES, 'orders.csv'), '--json'])).postgres);
    expect(again.alreadyKnown).toBe(summary.imported);
    expect(again.imported).toBe(0);

    const status = await sameJson(['status', 'PG-1']);
    expect(status.order.orderId).toBe('PG-1');
    expect(status.timeline).toHaveLength(3);

    const list = await sameJson(['list', '--status', 'scheduled', '--limit', '20']);
    expect(list.rows.length).toBeGreaterThan(0);
    expect(list.total).toBeGreaterThan(0);
    await sameJson(['list', '--milestone', 'day14', '--limit', '5']);

    const exported = await both(['export']);
    expect(exported.postgres.code).toBe(0);
    const strip = (csv: string) => csv.split('\n').map((l) => l.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>').replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, '<local>')).join('\n');
    expect(strip(exported.postgres.stdout)).toEqual(strip(exported.sqlite.stdout));
    expect(exported.postgres.stdout.split('\n')[0]).toMatch(/send_id|sendId/i);

    const cancelled = await sameJson(['cancel', 'PG-2', '--reason', 'refund']);
    expect(cancelled).toMatchObject({ orderId: 'PG-2', reason: 'refund' });
    await sameJson(['resend', 'PG-1', 'shipped']);

    const dispute = await both(['dispute', 'PG-1', '--open', '--reason', 'not_received']);
    expect(dispute.postgres.code).toBe(0);
    expect(dispute.postgres.stdout).toEqual(dispute.sqlite.stdout);
    const feedback = await both(['feedback', 'PG-1', '--rating', '5']);
    expect(feedback.postgres.code).toBe(0);
    expect(feedback.postgres.stdout).toEqual(feedback.sqlite.stdout);

    const afterReplies = await sameJson(['status', 'PG-1']);
    expect(afterReplies.timeline.map((e: { milestone: string }) => e.milestone)).toContain('dispute_reply');

    await sameJson(['at-risk', '--days', '60']);
    await sameJson(['transit']);
    await sameJson(['tracking', 'status']);

    const token = await runCli(['tokens', 'create', '--all-stores', '--name', 'erp', '--json'], envs.postgres);
    expect(token.code).toBe(0);
    const tokens = parseJson(await runCli(['tokens', 'list', '--json'], envs.postgres));
    expect(JSON.stringify(tokens)).toContain('erp');

    // What the commands wrote is in PostgreSQL itself.
    const [{ n }] = await queryPostgres<{ n: string }>(pgUrl, 'SELECT count(*) AS n FROM orders');
    expect(Number(n)).toBe(2 + summary.imported);
  }, 240_000); // some forty command processes

  it('db backup refuses a PostgreSQL URL in one line with what to use instead', async () => {
    const r = await runCli(['db', 'backup', dir.file('backup.db')], envs.postgres);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/SQLite file/);
    expect(r.stderr).toMatch(/pg_dump/);
    expect(r.stderr).not.toContain('pw-test');
  });
});
