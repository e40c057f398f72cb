import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/domain/clock.js';
import { enterOrder } from '../../../src/services/orders.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

describe('the promoter decides what is already too late', () => {
  let dir: TempDir;
  let pipeline: TestPipeline;
  let clock: FixedClock;

  beforeEach(() => {
    dir = tempDir();
    clock = new FixedClock('2026-11-20T08:00:00Z');
    pipeline = testPipeline(testConfig(dir, { POSTSHIP_CONFIG: alwaysOpenConfig(dir) }), clock);
  });
  afterEach(async () => {
    await pipeline.close();
    dir.remove();
  });

  it('records sends past their staleness limit as skipped stale in the ledger, without a job', async () => {
    const { runtime } = pipeline;
    for (let i = 0; i < 3; i++) {
      await enterOrder(runtime.orderDeps(), { orderId: `S-${i}`, buyer: { name: 'Kim', email: `s${i}@example.com` }, country: 'US', carrier: 'ups', trackingNumber: `1ZS${i}` });
    }
    // Nobody promoted for three days (the daemon was down): "shipped" (stale after 2 days) is no longer true,
    // "day1" (due 2 days ago, stale after 2 days) still goes.
    clock.set('2026-11-23T07:00:00Z');
    expect(await runtime.promote()).toBe(3);
    const queue = await runtime.sendQueue();
    expect(await queue.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const rows = await runtime.ledger.sendsOfOrder(`S-${i}`);
      expect(rows.find((r) => r.milestone === 'shipped')).toMatchObject({ status: 'skipped', reason: 'stale' });
      expect(rows.find((r) => r.milestone === 'day1')).toMatchObject({ status: 'queued' });
    }
  });
});
