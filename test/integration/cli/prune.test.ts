import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, parseJson, runCli } from './run-cli.js';

describe('postship prune', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = cliEnv(dir);
  });
  afterEach(() => dir.remove());

  it('removes finished orders shipped before the date, in batches, and keeps active and recent ones', async () => {
    const old = new Date(Date.now() - 200 * 86_400_000).toISOString();
    const orders = ['P-1', 'P-2', 'P-3', 'P-4'].map((orderId) => ({ orderId, buyer: { name: 'Kim', email: `${orderId.toLowerCase()}@example.com` }, country: 'ES', carrier: 'china-post', trackingNumber: `RR${orderId.slice(2)}CN`, shippedAt: old }));
    orders.push({ ...orders[0], orderId: 'P-NEW', trackingNumber: 'RRNEWCN', shippedAt: new Date().toISOString() });
    writeFileSync(dir.file('orders.json'), JSON.stringify(orders));
    expect((await runCli(['enqueue', '--json', dir.file('orders.json')], env)).code).toBe(0);
    for (const id of ['P-1', 'P-2', 'P-3', 'P-NEW']) expect((await runCli(['cancel', id, '--reason', 'refund'], env)).code).toBe(0);

    const dry = parseJson(await runCli(['prune', '--before', 'P180D', '--dry-run', '--json'], env));
    expect(dry).toMatchObject({ dryRun: true, orders: 3 });
    const result = parseJson(await runCli(['prune', '--before', 'P180D', '--batch', '2', '--json'], env));
    expect(result).toMatchObject({ orders: 3, batches: 2 });
    expect(result.sends).toBeGreaterThanOrEqual(3);
    expect((await runCli(['status', 'P-1'], env)).code).toBe(2); // gone
    expect((await runCli(['status', 'P-4'], env)).code).toBe(0); // still active
    expect((await runCli(['status', 'P-NEW'], env)).code).toBe(0); // recent
    const again = parseJson(await runCli(['prune', '--before', 'P180D', '--json'], env));
    expect(again).toMatchObject({ orders: 0, batches: 0 });
  });

  it('refuses a missing, malformed or too recent --before (exit 2)', async () => {
    expect((await runCli(['prune'], env)).stderr).toContain('--before is required');
    const bad = await runCli(['prune', '--before', 'last year'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an ISO-8601 date or duration');
    const recent = await runCli(['prune', '--before', 'P7D'], env);
    expect(recent.code).toBe(2);
    expect(recent.stderr).toContain('less than 30 days ago');
  });
});
