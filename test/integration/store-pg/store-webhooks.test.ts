import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewStoreWebhook } from '../../../src/store/store-webhooks.js';
import { contractPair, T0, type ContractPair } from './contract-pair.js';

describe('store webhooks on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
  });
  afterEach(() => pair.close());

  const delivery = (deliveryId: string, platform: NewStoreWebhook['platform'] = 'shopify'): NewStoreWebhook => ({
    platform, deliveryId, shop: 'acme.myshopify.com', store: 'default', topic: 'orders/fulfilled', raw: `{"id":"${deliveryId}"}`,
  });

  it('stores a delivery once per platform and id; a repeat returns the first row (and uses up an id, as SQLite AUTOINCREMENT does)', async () => {
    const first = await pair.same((l) => l.storeWebhookOnce(delivery('d1'), T0));
    expect(first).toEqual({ stored: true, row: { id: 1, ...delivery('d1'), receivedAt: T0, appliedAt: null, outcome: null } });
    const again = await pair.same((l) => l.storeWebhookOnce({ ...delivery('d1'), raw: 'changed' }, T0 + 5));
    expect(again).toEqual({ stored: false, row: first.row });
    // The same delivery id on another platform is another delivery; the repeat used up id 2 on both engines.
    const other = await pair.same((l) => l.storeWebhookOnce(delivery('d1', 'woocommerce'), T0 + 6));
    expect(other.stored).toBe(true);
    expect(other.row.id).toBe(3);
  });

  it('a delivery arriving on many connections at once is stored once', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => pair.postgres.storeWebhookOnce(delivery('d9'), T0)));
    expect(results.filter((r) => r.stored)).toHaveLength(1);
    expect(new Set(results.map((r) => r.row.id)).size).toBe(1);
  });

  it('pending: not applied yet, oldest first (equal times by id), up to the limit; markStoreWebhookApplied takes one out', async () => {
    await pair.same((l) => l.storeWebhookOnce(delivery('late'), T0 + 10));
    await pair.same((l) => l.storeWebhookOnce(delivery('tie-1'), T0));
    await pair.same((l) => l.storeWebhookOnce(delivery('tie-2'), T0));
    await pair.same((l) => l.storeWebhookOnce(delivery('applied'), T0 - 10));
    await pair.same((l) => l.markStoreWebhookApplied(4, 'entered A1', T0 + 20));
    await pair.same((l) => l.markStoreWebhookApplied(99, 'nothing', T0 + 20));
    const pending = await pair.same((l) => l.pendingStoreWebhooks());
    expect(pending.map((r) => r.deliveryId)).toEqual(['tie-1', 'tie-2', 'late']);
    expect((await pair.same((l) => l.pendingStoreWebhooks(2))).map((r) => r.id)).toEqual([2, 3]);
    const applied = await pair.same((l) => l.storeWebhookOnce(delivery('applied'), T0 + 30));
    expect(applied).toEqual({ stored: false, row: expect.objectContaining({ id: 4, appliedAt: T0 + 20, outcome: 'entered A1' }) });
  });
});
