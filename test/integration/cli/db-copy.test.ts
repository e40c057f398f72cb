import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../src/queue/ephemeral-redis.js';
import { alwaysOpenConfig, tempDir, type TempDir } from '../../helpers/env.js';
import { buildDsn } from '../../helpers/email-services/dsn.js';
import { freshPostgresDatabase, queryPostgres, TEST_PG_PASSWORD } from '../../helpers/postgres.js';
import { BIN, cliEnv, ORDER_FLAGS, parseJson, ROOT, runCli, type CliResult } from './run-cli.js';

const SECRET = 'db-copy-secret';
const SHOPIFY_SECRET = 'db-copy-shopify-secret';
/** Shopify's documented fulfillments/create example, shipped an hour ago. */
const shopifyFulfillment = () =>
  readFileSync(join(import.meta.dirname, '../../fixtures/webhooks/shopify-fulfillments-create.json'), 'utf8').replaceAll('2021-12-31T19:00:00-05:00', new Date(Date.now() - 3600_000).toISOString());

interface CopyJson {
  to: string;
  replaced: boolean;
  rows: number;
  tables: Array<{ table: string; from: number; to: number }>;
}

/**
 * `postship db copy` on a ledger built the way a seller builds one: enqueue and
 * import, a daemon that sends and takes tracking webhooks (one for a parcel we
 * do not know) and a Shopify fulfillment, a resend, a dispute, feedback, an API token, registrations, a
 * bounce (suppression and mail event).
 */
describe('postship db copy', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  let source: string;
  let sqliteCounts: Record<string, number>;
  const ok = (r: CliResult) => {
    if (r.code !== 0) throw new Error(`exit ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r;
  };

  beforeAll(async () => {
    dir = tempDir();
    env = cliEnv(dir, {
      POSTSHIP_DB: dir.file('postship.db'), // the copy's source is a SQLite file, whichever engine the run tests
      POSTSHIP_CONFIG: alwaysOpenConfig(dir, {}, { stores: { acme: { shopifyDomain: 'acme-store.myshopify.com' } } }),
      POSTSHIP_WEBHOOK_SECRET: SECRET,
      SHOPIFY_WEBHOOK_SECRET: SHOPIFY_SECRET,
      POSTSHIP_TRACKING: '17track',
      SEVENTEENTRACK_API_KEY: 'test-key',
      SEVENTEENTRACK_API_URL: 'http://127.0.0.1:1', // registrations stay pending: no provider is reached
    });
    source = env.POSTSHIP_DB;
    ok(await runCli(['enqueue', '--order-id', 'CP-1', ...ORDER_FLAGS, 'LP00123456789012'], env));
    ok(await runCli(['enqueue', '--order-id', 'CP-2', ...ORDER_FLAGS, 'LP00123456789013'], env));
    writeFileSync(dir.file('orders.csv'), 'Order_ID,Buyer_Name,Buyer_Email,Country,Carrier,Tracking_Number\nCP-3,Lucía García,lucia@example.com,ES,china-post,RR000000001CN\nCP-4,Jan Novák,jan@example.com,CZ,china-post,RR000000002CN\n');
    ok(await runCli(['import', dir.file('orders.csv')], env));

    const port = await freePort();
    const daemon: ChildProcess = spawn(process.execPath, [BIN, 'daemon', '--port', String(port)], { env, cwd: ROOT, stdio: 'ignore' });
    try {
      const base = `http://127.0.0.1:${port}`;
      // vi.waitFor, since expect.poll works only inside a test.
      await vi.waitFor(async () => expect((await fetch(`${base}/readyz`).catch(() => null))?.status).toBe(200), { timeout: 60_000, interval: 100 });
      const post = async (event: object) => {
        const body = JSON.stringify(event);
        const sig = createHmac('sha256', SECRET).update(body).digest('hex');
        return (await fetch(`${base}/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-postship-signature': `sha256=${sig}` }, body })).status;
      };
      const at = new Date().toISOString();
      expect(await post({ event_id: 'e1', tracking_number: 'LP00123456789012', status: 'customs', occurred_at: at })).toBe(202);
      expect(await post({ event_id: 'e2', tracking_number: 'NOBODY0000001', status: 'in_transit', occurred_at: at })).toBe(202);
      // An order entered by the store platform: a store_webhooks row.
      const fulfillment = shopifyFulfillment();
      const shopify = await fetch(`${base}/webhooks/shopify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json', 'x-shopify-topic': 'fulfillments/create', 'x-shopify-shop-domain': 'acme-store.myshopify.com',
          'x-shopify-hmac-sha256': createHmac('sha256', SHOPIFY_SECRET).update(fulfillment).digest('base64'), 'x-shopify-webhook-id': randomUUID(), 'x-shopify-api-version': '2025-10',
        },
        body: fulfillment,
      });
      expect(shopify.status).toBe(202);
      const ledger = new Database(source, { readonly: true });
      try {
        const settled = () => ledger.prepare("SELECT (SELECT count(*) FROM tracking_events WHERE processed_at IS NULL) AS pending, (SELECT count(*) FROM sends WHERE milestone = 'shipped' AND status = 'sent') AS sent").get();
        await vi.waitFor(() => expect(settled()).toEqual({ pending: 0, sent: 5 }), { timeout: 60_000, interval: 100 });
      } finally {
        ledger.close();
      }
      ok(await runCli(['resend', 'CP-1', 'shipped'], env));
      ok(await runCli(['dispute', 'CP-2', '--open', '--reason', 'not_received'], env));
      ok(await runCli(['feedback', 'CP-3', '--rating', '5', '--text', 'Fast'], env));
      ok(await runCli(['tokens', 'create', '--all-stores', '--name', 'erp'], env));
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((resolve) => (daemon.exitCode !== null ? resolve(null) : daemon.once('exit', resolve)));
    }
    // A hard bounce for CP-4's first letter: a suppression and a mail event.
    const reader = new Database(source, { readonly: true });
    const bounced = reader.prepare("SELECT message_id AS id FROM sends WHERE order_id = 'CP-4' AND milestone = 'shipped'").get() as { id: string };
    reader.close();
    writeFileSync(dir.file('bounce.eml'), buildDsn({ to: 'care@example.com', recipient: 'jan@example.com', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <jan@example.com>: Recipient address rejected: User unknown', original: { 'Message-ID': bounced.id } }));
    ok(await runCli(['bounces', 'ingest', dir.file('bounce.eml')], env));
    const ledger = new Database(source, { readonly: true });
    const tables = ledger.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations'").all() as Array<{ name: string }>;
    sqliteCounts = Object.fromEntries(tables.map((t) => [t.name, (ledger.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n]));
    ledger.close();
  }, 240_000);
  afterAll(() => dir?.remove());

  it('copies every table into PostgreSQL: counts equal, ids, the resend chain and the unmatched event kept', async () => {
    for (const t of ['orders', 'sends', 'tracking_events', 'tracking_registrations', 'tracking_registration_counts', 'disputes', 'feedback', 'meta', 'api_tokens', 'suppressions', 'mail_events', 'dashboard_stage_counts', 'dashboard_send_counts', 'store_webhooks']) {
      expect(sqliteCounts[t], `source ${t}`).toBeGreaterThan(0);
    }
    const url = await freshPostgresDatabase('copy');
    const result = ok(await runCli(['db', 'copy', '--from', source, '--to', url, '--json'], env));
    const report = parseJson<CopyJson>(result);
    expect(report.to).not.toContain(TEST_PG_PASSWORD);
    expect(Object.fromEntries(report.tables.map((t) => [t.table, t.from]))).toEqual(sqliteCounts);
    for (const t of report.tables) expect(t.to, t.table).toBe(t.from);
    for (const [table, n] of Object.entries(sqliteCounts)) {
      expect((await queryPostgres<{ n: string }>(url, `SELECT count(*) AS n FROM "${table}"`))[0].n, table).toBe(String(n));
    }

    const sqlite = new Database(source, { readonly: true });
    const rows = (sql: string) => sqlite.prepare(sql).all() as Array<Record<string, unknown>>;
    // Every row of every table, value for value (64-bit integers read as numbers, as SQLite gives them).
    const client = new pg.Client({ connectionString: url, types: { getTypeParser: (oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) } as pg.CustomTypesConfig });
    await client.connect();
    try {
      for (const table of Object.keys(sqliteCounts)) {
        const columns = (rows(`SELECT name FROM pragma_table_info('${table}')`) as Array<{ name: string }>).map((c) => `"${c.name}"`);
        const all = `SELECT ${columns.join(', ')} FROM "${table}" ORDER BY ${columns.map((_, i) => i + 1).join(', ')}`;
        expect((await client.query(all)).rows, table).toEqual(rows(all));
      }
    } finally {
      await client.end();
    }
    const pgRows = async (sql: string) => (await queryPostgres(url, sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) && k.endsWith('id') ? Number(v) : v])));
    const chain = 'SELECT id, order_id, milestone, resend_of, status, due_at FROM sends ORDER BY id';
    const pgChain = (await queryPostgres(url, chain)).map((r) => ({ ...r, id: Number(r.id), resend_of: r.resend_of === null ? null : Number(r.resend_of), due_at: Number(r.due_at) }));
    expect(pgChain).toEqual(rows(chain));
    expect(pgChain.filter((s) => s.resend_of !== null)).toEqual([expect.objectContaining({ order_id: 'CP-1', milestone: 'shipped' })]);
    const events = "SELECT id, tracking_number, order_id, outcome FROM tracking_events ORDER BY id";
    expect(await pgRows(events)).toEqual(rows(events));
    expect(rows(events)).toEqual(expect.arrayContaining([expect.objectContaining({ tracking_number: 'NOBODY0000001', order_id: null, outcome: 'unmatched' })]));
    const counts = 'SELECT provider, state, n FROM tracking_registration_counts ORDER BY provider, state';
    expect(await queryPostgres(url, counts)).toEqual(rows(counts));
    const maxId = rows('SELECT max(id) AS m FROM sends')[0].m as number;
    sqlite.close();

    // The identity sequences moved past the copied ids: the next send gets a new one.
    const [next] = await queryPostgres<{ id: string }>(url, "INSERT INTO sends (order_id, milestone, seq, status, due_at, created_at, updated_at) VALUES ('CP-4', 'day1', 9, 'scheduled', 0, 0, 0) RETURNING id");
    expect(Number(next.id)).toBe(maxId + 1);
  });

  it('refuses a target that holds rows (nothing touched) unless --replace; re-running with --replace gives the same copy', async () => {
    const url = await freshPostgresDatabase('rerun');
    const first = parseJson<CopyJson>(ok(await runCli(['db', 'copy', '--from', source, '--to', url, '--json'], env)));
    const again = await runCli(['db', 'copy', '--from', source, '--to', url], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: --to postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/rerun_\w+ already holds a ledger \(.*\borders 5, .*\bsends \d+.*\): nothing copied$/m);
    expect(again.stderr).toContain('hint: Add --replace to empty it and copy again');
    expect((await queryPostgres<{ n: string }>(url, 'SELECT count(*) AS n FROM sends'))[0].n).toBe(String(sqliteCounts.sends));

    const replaced = await runCli(['db', 'copy', '--from', source, '--to', url, '--replace'], env);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toMatch(/^sends\s+\d+\s+\d+$/m);
    expect(replaced.stdout).toMatch(/copied \d+ rows from .* to postgres:\/\/postship:\*\*\*@127\.0\.0\.1:\d+\/rerun_\w+ in \d+ ms \(replaced what was there\)/);
    const line = replaced.stdout.split('\n').find((l) => l.startsWith('orders '))!;
    expect(line.trim().split(/\s+/)).toEqual(['orders', '5', '5']);
    expect((await queryPostgres<{ n: string }>(url, 'SELECT count(*) AS n FROM sends'))[0].n).toBe(String(first.tables.find((t) => t.table === 'sends')!.from));
  });

  it('copies into another SQLite file too', async () => {
    const target = dir.file('copy.db');
    const report = parseJson<CopyJson>(ok(await runCli(['db', 'copy', '--from', source, '--to', target, '--json'], env)));
    expect(Object.fromEntries(report.tables.map((t) => [t.table, t.to]))).toEqual(sqliteCounts);
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare('SELECT count(*) AS n FROM sends WHERE resend_of IS NOT NULL').get()).toEqual({ n: 1 });
    const original = new Database(source, { readonly: true });
    const triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name";
    expect(copy.prepare(triggers).all()).toEqual(original.prepare(triggers).all());
    copy.close();
    original.close();
  });

  it('an unreachable PostgreSQL is one clear error naming --to, exit 1; a missing source, exit 2', async () => {
    const down = await runCli(['db', 'copy', '--from', source, '--to', 'postgres://postship:s3cret@127.0.0.1:1/postship'], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('error: cannot reach PostgreSQL at 127.0.0.1:1 (database "postship"): connection refused');
    expect(down.stderr).toContain('or fix the host and port in --to');
    expect(down.stderr).not.toContain('s3cret');
    const missing = await runCli(['db', 'copy', '--from', dir.file('nope.db'), '--to', await freshPostgresDatabase('nosrc')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: --from \S+nope\.db: no such file$/m);
  });
});

describe('postship db copy, failures', () => {
  let dir: TempDir;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => dir?.remove());

  it('a row PostgreSQL refuses rolls the whole copy back, naming the table and rows; fixed, the copy runs again', async () => {
    const env = cliEnv(dir, { POSTSHIP_DB: dir.file('postship.db') });
    expect((await runCli(['enqueue', '--order-id', 'BAD-1', ...ORDER_FLAGS, 'LP00123456789012'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' })).code).toBe(1); // saved, not queued
    const ledger = new Database(env.POSTSHIP_DB);
    ledger.prepare("UPDATE sends SET due_at = 'soon' WHERE milestone = 'day1'").run(); // SQLite keeps text in an integer column
    const url = await freshPostgresDatabase('bad');
    const failed = await runCli(['db', 'copy', '--from', env.POSTSHIP_DB, '--to', url], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: copy rolled back, the target is as it was: writing sends rows 1-3 \(SQLite rowid\) failed: invalid input syntax for type bigint: "soon"$/m);
    expect(failed.stderr).toContain('hint: A row refused (a value of the wrong type?): fix it in the --from ledger');
    expect(await queryPostgres(url, 'SELECT order_id FROM orders')).toEqual([]);

    ledger.prepare("UPDATE sends SET due_at = 0 WHERE milestone = 'day1'").run();
    ledger.close();
    const again = await runCli(['db', 'copy', '--from', env.POSTSHIP_DB, '--to', url, '--json'], env);
    expect(again.code).toBe(0);
    expect(parseJson<CopyJson>(again).tables.find((t) => t.table === 'sends')).toEqual({ table: 'sends', from: 3, to: 3 });
  });

  it('a source older than this postship is refused with the migrate command to run', async () => {
    const old = dir.file('old.db');
    const db = new Database(old);
    db.exec('CREATE TABLE orders (order_id text PRIMARY KEY)');
    db.close();
    const result = await runCli(['db', 'copy', '--from', old, '--to', await freshPostgresDatabase('old')], cliEnv(dir));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --from \S+old\.db: (has no table \w+|table orders lacks [\w, ]+), so it is older than this postship \(or not a postship ledger\)$/m);
    expect(result.stderr).toContain(`hint: Bring it up to date first: POSTSHIP_DB=${old} postship migrate`);
  });
});
