import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { onPostgres } from '../../helpers/engine.js';
import { cliEnv, DEAD_REDIS, ORDER_FLAGS, parseJson, runCli } from './run-cli.js';

describe('postship enqueue', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = cliEnv(dir);
  });
  afterEach(() => dir.remove());

  it('records an order from flags and prints each milestone due in buyer local time and UTC', async () => {
    const result = await runCli(['enqueue', '--order-id', 'E-1', ...ORDER_FLAGS, 'LP00412345678901', '--shipped-at', '2026-11-20T12:00:00Z'], env);
    // A first run on a new SQLite file says so; a PostgreSQL database is the operator's to create, and says nothing.
    expect(result.stderr).toMatch(onPostgres() ? /^$/ : /^postship: created a new database at \S+postship\.db \(POSTSHIP_DB\)\n$/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('E-1  scheduled  (America/Sao_Paulo)');
    expect(result.stdout).toMatch(/day1 [^\n]+2026-11-21 09:00 GMT-3  2026-11-21 12:00Z/);
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('--json prints what was scheduled; entering the same order again schedules nothing new', async () => {
    const args = ['enqueue', '--order-id', 'E-2', ...ORDER_FLAGS, 'LP0002', '--json'];
    const first = parseJson(await runCli(args, env));
    expect(first.orders[0]).toMatchObject({ orderId: 'E-2', created: true, buyerTimezone: 'America/Sao_Paulo' });
    expect(first.orders[0].sends.map((s: { milestone: string }) => s.milestone).sort()).toEqual(['day1', 'day14', 'shipped']);
    expect(first.orders[0].sends[0].dueUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const again = await runCli(args, env);
    expect(again.code).toBe(0);
    expect(parseJson(again).orders[0].created).toBe(false);
    expect(parseJson(again).orders[0].sends.map((s: { sendId: number }) => s.sendId)).toEqual(first.orders[0].sends.map((s: { sendId: number }) => s.sendId));
  });

  it('reads an array from a JSON file and a single object from stdin', async () => {
    const file = dir.file('orders.json');
    const order = (id: string, tracking: string) => ({ orderId: id, buyer: { name: 'J S', email: 'j@example.com' }, country: 'US', carrier: 'epacket', trackingNumber: tracking });
    writeFileSync(file, JSON.stringify([order('J-1', 'LX1'), order('J-2', 'LX2')]));
    const fromFile = parseJson(await runCli(['enqueue', '--json', file], env));
    expect(fromFile.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['J-1', 'J-2']);
    const fromStdin = await runCli(['enqueue', '--json', '-'], env, { stdin: JSON.stringify(order('J-3', 'LX3')) });
    expect(fromStdin.code).toBe(0);
    expect(parseJson(fromStdin).orders[0]).toMatchObject({ orderId: 'J-3', created: true });
  });

  it('bad input: exit 2, every problem named with its flag, value and fix, and nothing written', async () => {
    const result = await runCli(
      ['enqueue', '--order-id', 'BAD-1', '--email', 'not-an-email', '--country', 'UK', '--carrier', 'pigeon', '--tracking', 'LP1', '--shipped-at', 'last tuesday'],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--country "UK" is not an ISO 3166-1 alpha-2 code (did you mean "GB"?)');
    expect(result.stderr).toMatch(/--carrier "pigeon" is not a known carrier \(known: china-post, .*cainiao.*\)/);
    expect(result.stderr).toContain('--email "not-an-email" is not an email address');
    expect(result.stderr).toContain('--shipped-at "last tuesday" is not an ISO-8601 date-time');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const status = await runCli(['status', 'BAD-1'], env);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('order "BAD-1" is not known');
  });

  it('a JSON array with one bad element writes none of them', async () => {
    const good = { orderId: 'A-1', buyer: { email: 'a@example.com' }, country: 'US', carrier: 'ups', trackingNumber: '1Z1' };
    const result = await runCli(['enqueue', '--json', '-'], env, { stdin: JSON.stringify([good, { ...good, orderId: 'A-2', country: 'UK' }]) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[1].country: "UK" is not an ISO 3166-1 alpha-2 code (did you mean "GB"?)');
    expect((await runCli(['status', 'A-1'], env)).code).toBe(2);
  });

  it('Redis down: the order is saved, one clear line names the URL and what to do, exit 1', async () => {
    const down = { ...env, REDIS_URL: DEAD_REDIS };
    const result = await runCli(['enqueue', '--order-id', 'R-1', ...ORDER_FLAGS, 'LP0003'], down);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: the order is saved in the database but not queued: Redis at redis:\/\/127\.0\.0\.1:1 is not reachable/);
    expect(result.stderr).toMatch(/hint: Start redis-server, or set REDIS_URL/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // Reading the ledger never needs Redis.
    const status = await runCli(['status', 'R-1', '--json'], down);
    expect(status.code).toBe(0);
    expect(parseJson(status).timeline).toHaveLength(3);
  });
});
