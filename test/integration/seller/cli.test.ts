import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, parseJson, runCli } from '../cli/run-cli.js';
import { withLedgerAt } from '../../helpers/ledgers.js';
import { seedEventInto, seedOrderInto } from '../../unit/seller/seed.js';

const DAY = 86_400_000;

describe('postship at-risk and postship transit (spawned CLI)', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

  beforeEach(async () => {
    dir = tempDir();
    writeFileSync(dir.file('config.json'), JSON.stringify({ stores: { slow: { protectionDays: 90 } } }));
    env = cliEnv(dir, { POSTSHIP_CONFIG: dir.file('config.json') });
    await withLedgerAt(env.POSTSHIP_DB, async (db) => {
      await seedOrderInto(db, { orderId: 'R-1', store: 'acme', shippedAt: ago(57.5), stageRank: 3 });
      await seedEventInto(db, 'R-1', 'post_office', ago(3), 'AvailableForPickup');
      await seedOrderInto(db, { orderId: 'R-2', store: 'acme', shippedAt: ago(61.5) });
      await seedOrderInto(db, { orderId: 'R-3', store: 'slow', shippedAt: ago(61) }); // 29 days left
      await seedOrderInto(db, { orderId: 'R-4', store: 'slow', shippedAt: ago(85.5) });
      // 20 delivered china-post parcels to Spain, 21 calendar days each.
      for (let i = 0; i < 20; i += 1) {
        await seedOrderInto(db, { orderId: `D-${i}`, shippedAt: '2026-03-02T10:00:00Z', state: 'delivered' });
        await seedEventInto(db, `D-${i}`, 'delivered', i < 18 ? '2026-03-23T10:00:00Z' : '2026-03-30T10:00:00Z');
      }
    });
  });
  afterEach(() => dir.remove());

  it('at-risk --json lists the most urgent first, filtered by store and days', async () => {
    const all = await runCli(['at-risk', '--json'], env);
    expect(all.code).toBe(0);
    const body = parseJson(all);
    expect(body.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['R-2', 'R-1', 'R-4']);
    expect(body.orders[1]).toMatchObject({ stage: 'post_office', daysLeft: 2, lastEvent: { providerStatus: 'AvailableForPickup' } });
    expect(body.orders[0]).toMatchObject({ expired: true, daysLeft: -2 });

    const slow = parseJson(await runCli(['at-risk', '--store', 'slow', '--days', '30', '--json'], env));
    expect(slow.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['R-4', 'R-3']);
  });

  it('at-risk prints a table within 80 columns and rejects a bad --days with exit 2', async () => {
    const table = await runCli(['at-risk'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^order\s+store/);
    expect(table.stdout).toContain('R-1');
    expect(Math.max(...table.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);

    const bad = await runCli(['at-risk', '--days', 'soon'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--days');

    // A misspelt store is bad input, not an empty (all clear) list.
    const typo = await runCli(['at-risk', '--store', 'acne'], env);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('"acne" is not a store postship knows (known: acme, slow)');
  });

  it('transit shows built-in vs learned, as a table and as JSON; bad filters exit 2', async () => {
    const json = parseJson(await runCli(['transit', '--carrier', 'china-post', '--country', 'ES', '--json'], env));
    // 15 business days for 18 parcels, 20 for 2: median 15, p90 15.
    expect(json.rows).toEqual([
      expect.objectContaining({ carrier: 'china-post', country: 'ES', samples: 20, inUse: 'learned', learned: expect.objectContaining({ medianDays: 15, p90Days: 15, min: 15, max: 15 }) }),
    ]);
    const table = await runCli(['transit'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/china-post\s+ES\s+10-22\s+20\s+15\s+15\s+15-15\s+learned/);
    expect(Math.max(...table.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);

    const bad = await runCli(['transit', '--country', 'UK', '--carrier', 'pigeon'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--country');
    expect(bad.stderr).toContain('--carrier');
  });
});
