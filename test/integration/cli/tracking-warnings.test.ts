import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, ORDER_FLAGS, parseJson, runCli } from './run-cli.js';

describe('a tracking number that fits no format of its carrier is accepted with a warning', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = cliEnv(dir);
  });
  afterEach(() => dir.remove());

  it('enqueue: the order is scheduled, stderr names the likely carrier, --json carries the warning', async () => {
    const result = await runCli(['enqueue', '--order-id', 'W-1', ...ORDER_FLAGS, '1Z5R89390357567127'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('W-1  scheduled');
    expect(result.stderr).toContain(`W-1: warning: tracking number "1Z5R89390357567127" does not fit cainiao's formats`);
    expect(result.stderr).toContain('It looks like a ups number');
    const json = parseJson(await runCli(['enqueue', '--order-id', 'W-2', ...ORDER_FLAGS, 'YT2212345678901234', '--json'], env));
    expect(json.orders[0].created).toBe(true);
    expect(json.orders[0].warnings).toEqual([expect.objectContaining({ code: 'tracking_number_format', carrier: 'cainiao', likelyCarrier: 'yunexpress' })]);
    const fine = parseJson(await runCli(['enqueue', '--order-id', 'W-3', ...ORDER_FLAGS, 'LP00412345678901', '--json'], env));
    expect(fine.orders[0].warnings).toEqual([]);
  });

  it('import: rows are imported; the summary counts them, stderr shows the first, --json lists them by line', async () => {
    const file = dir.file('odd.csv');
    writeFileSync(file, [
      'order_id,buyer_email,country,carrier,tracking_number',
      'I-1,a@example.com,ES,china-post,RR123456785CN',
      'I-2,b@example.com,ES,china-post,RR123456784CN',
      'I-3,c@example.com,US,ups,1Z999AA10123456784',
      'I-4,d@example.com,US,ups,LP00412345678901',
      '',
    ].join('\n'));
    const text = await runCli(['import', file], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/imported\s+4/);
    expect(text.stdout).toMatch(/odd numbers\s+2 \(accepted/);
    expect(text.stderr).toContain('odd.csv line 3: warning: tracking number "RR123456784CN" does not fit china-post\'s formats');
    expect(text.stderr).toContain('(and 1 more rows like it: --json lists them)');
    const json = parseJson(await runCli(['import', file, '--json'], env));
    expect(json).toMatchObject({ alreadyKnown: 4, numberWarnings: 2 });
    expect(json.numberWarningRows.map((r: { line: number; likelyCarrier: string | null }) => [r.line, r.likelyCarrier])).toEqual([[3, null], [5, 'cainiao']]);
  });
});
