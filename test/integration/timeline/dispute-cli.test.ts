import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, FIXTURES, ORDER_FLAGS, parseJson, runCli } from '../cli/run-cli.js';
import { withLedgerAt } from '../../helpers/ledgers.js';

describe('postship dispute (spawned CLI)', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = cliEnv(dir, { POSTSHIP_CONFIG: join(FIXTURES, 'always-open.config.json') });
  });
  afterEach(() => dir.remove());

  const disputedAt = () => withLedgerAt(env.POSTSHIP_DB, async ({ ledger }) => (await ledger.getOrder('DS-1'))?.disputedAt ?? null);

  it('opens and closes a dispute on the order; exit 2 without exactly one of --open/--close or for an unknown order', async () => {
    expect((await runCli(['enqueue', '--order-id', 'DS-1', ...ORDER_FLAGS, 'LP-DS-1', '--json'], env)).code).toBe(0);
    const opened = await runCli(['dispute', 'DS-1', '--open', '--json'], env);
    expect(opened.code).toBe(0);
    expect(parseJson(opened)).toEqual({ orderId: 'DS-1', open: true, released: 0, reason: 'other', seq: 0, alreadyOpen: false, replySendId: null });
    expect(await disputedAt()).toEqual(expect.any(Number));
    const closed = await runCli(['dispute', 'DS-1', '--close', '--json'], env);
    expect(parseJson(closed)).toMatchObject({ orderId: 'DS-1', open: false });
    expect(await disputedAt()).toBeNull();
    const both = await runCli(['dispute', 'DS-1', '--open', '--close'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give exactly one of --open or --close');
    const unknown = await runCli(['dispute', 'NOPE', '--open'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('order "NOPE" is not known');
  });
});
