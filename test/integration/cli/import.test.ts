import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, DEAD_REDIS, FIXTURES, parseJson, runCli } from './run-cli.js';

const ORDERS_CSV = join(FIXTURES, 'orders.csv');

describe('postship import', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = cliEnv(dir);
  });
  afterEach(() => dir.remove());

  it('imports valid rows, reports each invalid one with its line number and reason, exit 2', async () => {
    const result = await runCli(['import', ORDERS_CSV], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/imported\s+3\n\s+already known\s+0\n\s+invalid\s+4/);
    expect(result.stderr).toContain('orders.csv line 3: country "UK" is not an ISO 3166-1 alpha-2 code (did you mean "GB"?)');
    expect(result.stderr).toContain('orders.csv line 5: buyer_email "not-an-email" is not an email address');
    expect(result.stderr).toMatch(/orders\.csv line 6: carrier "pigeon" is not a known carrier \(known: china-post/);
    expect(result.stderr).toContain('orders.csv line 7: shipped_at "last tuesday" is not an ISO-8601 date-time');
    // Quoted commas, mixed-case headers and optional columns are read as such.
    const ana = parseJson(await runCli(['status', 'CSV-3', '--json'], env));
    expect(ana.order).toMatchObject({ store: 'acme', buyer: { locale: 'pt-BR', timezone: 'America/Sao_Paulo' } });
    expect(parseJson(await runCli(['status', 'CSV-7', '--json'], env)).order.buyer.name).toBe('Smith, Jane');
  });

  it('importing the same file twice schedules nothing new (--json summary)', async () => {
    const first = parseJson(await runCli(['import', ORDERS_CSV, '--json'], env));
    expect(first).toMatchObject({ rows: 7, imported: 3, alreadyKnown: 0, invalid: 4 });
    expect(first.invalidRows.map((r: { line: number }) => r.line)).toEqual([3, 5, 6, 7]);
    const sendsBefore = parseJson(await runCli(['list', '--json', '--limit', '1000'], env)).total;
    const second = parseJson(await runCli(['import', ORDERS_CSV, '--json'], env));
    expect(second).toMatchObject({ rows: 7, imported: 0, alreadyKnown: 3, invalid: 4, queued: 0 });
    expect(parseJson(await runCli(['list', '--json', '--limit', '1000'], env)).total).toBe(sendsBefore);
  });

  it('a header without the required columns is bad input and imports nothing', async () => {
    const file = dir.file('wrong.csv');
    writeFileSync(file, 'id,mail\n1,a@example.com\n');
    const result = await runCli(['import', file], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing columns order_id, buyer_email, country, carrier, tracking_number');
    const missing = await runCli(['import', dir.file('nope.csv')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv: cannot read: no such file');
  });

  it('a row with too many fields is reported, not fatal', async () => {
    const file = dir.file('shifted.csv');
    writeFileSync(file, 'order_id,buyer_email,country,carrier,tracking_number\nS-1,s@example.com,US,ups,1Z1\nS-2,Smith, Jane,s@example.com,US,ups,1Z2\n');
    const result = parseJson(await runCli(['import', file, '--json'], env));
    expect(result).toMatchObject({ imported: 1, invalid: 1 });
    expect(result.invalidRows[0]).toEqual({ line: 3, problems: ['has 7 fields but the header has 5 (quote values that contain commas)'] });
  });

  it('Redis down: rows are saved, the failure is one clear line, exit 1', async () => {
    const file = dir.file('ok.csv');
    writeFileSync(file, 'order_id,buyer_email,country,carrier,tracking_number\nK-1,k@example.com,US,ups,1Z9\n');
    const result = await runCli(['import', file], { ...env, REDIS_URL: DEAD_REDIS });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/imported\s+1/);
    expect(result.stderr).toMatch(/error: 1 imported orders are saved in the database but not queued: Redis at redis:\/\/127\.0\.0\.1:1 is not reachable/);
    expect((await runCli(['status', 'K-1'], { ...env, REDIS_URL: DEAD_REDIS })).code).toBe(0);
  });
});
