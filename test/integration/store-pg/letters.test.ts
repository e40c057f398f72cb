import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractPair, DAY, order, send, T0, type ContractPair } from './contract-pair.js';

describe('lettersSentTo on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
  });
  afterEach(() => pair.close());

  it("the buyer's sent letters since a time, across their orders, newest first, without the send being decided", async () => {
    // A is created before B; B's letter is recorded first (lower id) but at the same millisecond as A's.
    await pair.seed('orders', [order('A', { createdAt: T0 }), order('B', { createdAt: T0 + 1 }), order('C', { buyerEmail: 'other@example.com' })]);
    await pair.seed('sends', [
      send('B', 'post_office', { status: 'sent', sentAt: T0 + DAY }), // 1
      send('A', 'shipped', { status: 'sent', sentAt: T0 + DAY }), // 2
      send('A', 'day1', { status: 'sent', sentAt: T0 + 2 * DAY }), // 3
      send('A', 'customs', { status: 'sent', sentAt: T0 - DAY }), // 4: before since
      send('A', 'day14', { status: 'scheduled' }), // 5
      send('A', 'delay', { status: 'failed', sentAt: T0 + 3 * DAY }), // 6: not sent
      send('C', 'shipped', { status: 'sent', sentAt: T0 + 3 * DAY }), // 7: another buyer
      send('B', 'day1', { status: 'sent', sentAt: T0 + 4 * DAY }), // 8: the one being decided
    ]);
    const letters = await pair.same((l) => l.lettersSentTo('ana@example.com', T0, 8));
    expect(letters).toEqual([
      { milestone: 'day1', sentAt: T0 + 2 * DAY },
      { milestone: 'shipped', sentAt: T0 + DAY }, // A's: its order was entered first, though B's letter was recorded first
      { milestone: 'post_office', sentAt: T0 + DAY },
    ]);
    expect(await pair.same((l) => l.lettersSentTo('ana@example.com', T0 + DAY, 3))).toEqual([
      { milestone: 'day1', sentAt: T0 + 4 * DAY },
      { milestone: 'shipped', sentAt: T0 + DAY },
      { milestone: 'post_office', sentAt: T0 + DAY },
    ]);
    // The address is matched exactly, as stored.
    expect(await pair.same((l) => l.lettersSentTo('Ana@example.com', 0, 0))).toEqual([]);
  });
});
