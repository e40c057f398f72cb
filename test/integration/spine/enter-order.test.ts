import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enterOrder } from '../../../src/services/orders.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';

import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

const order = {
  orderId: 'AE-1001',
  buyer: { name: 'John Smith', email: 'john@example.com' },
  country: 'US',
  carrier: 'epacket',
  trackingNumber: 'LX000000001CN',
};

describe('entering an order', () => {
  let dir: TempDir;
  let pipeline: TestPipeline;
  beforeEach(() => {
    dir = tempDir();
    // Always open: with the default 09:00-20:00 window, an evening run would move the shipped notice to tomorrow.
    pipeline = testPipeline(testConfig(dir, { POSTSHIP_CONFIG: alwaysOpenConfig(dir) }));
  });
  afterEach(async () => {
    await pipeline.close();
    dir.remove();
  });

  it('records the time-based sends once; entering it again schedules nothing new', async () => {
    const { runtime } = pipeline;
    const first = await enterOrder(runtime.orderDeps(), order);
    expect(first.created).toBe(true);
    expect(first.sends.map((s) => s.milestone).sort()).toEqual(['day1', 'day14', 'shipped']);
    const promoted = await runtime.promote();
    const queue = await runtime.sendQueue();
    const jobsBefore = await queue.getJobCounts('waiting', 'delayed');

    const again = await enterOrder(runtime.orderDeps(), { ...order, buyer: { ...order.buyer, name: 'Someone Else' } });
    expect(again.created).toBe(false);
    expect(again.order.buyerName).toBe('John Smith');
    expect(await runtime.promote()).toBe(0);
    expect(await runtime.ledger.sendsOfOrder(order.orderId)).toHaveLength(3);
    expect(await queue.getJobCounts('waiting', 'delayed')).toEqual(jobsBefore);
    // Only the shipped notice is within the 15-minute horizon: day1 and day14 wait in SQLite.
    expect(promoted).toBe(1);
  });

  it('writes nothing for an invalid order', async () => {
    const { runtime } = pipeline;
    await expect(enterOrder(runtime.orderDeps(), { ...order, country: 'UK' })).rejects.toThrow(/did you mean "GB"/);
    expect(await runtime.ledger.sendsOfOrder(order.orderId)).toHaveLength(0);
  });
});
