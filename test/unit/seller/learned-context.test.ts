import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_CONFIG_FILE } from '../../../src/config/config-file.js';
import { buildContext } from '../../../src/mail/context.js';
import { learnedTransitTable } from '../../../src/services/learned-transit.js';
import { profileResolver } from '../../../src/services/profiles.js';
import { closeDb, type Db } from '../../../src/store/db.js';
import { sqliteLedger } from '../../../src/store/sqlite-ledger.js';
import { getOrder, orderFromRow } from '../../../src/store/ledger.js';
import { memoryDb, seedEvent, seedOrder } from './seed.js';

describe('learned transit in message texts (buildContext transitTable)', () => {
  let db: Db;
  afterEach(() => closeDb(db));

  it('replaces the built-in window once 20 deliveries are known', async () => {
    db = memoryDb();
    for (let i = 0; i < 20; i += 1) {
      seedOrder(db, { orderId: `D-${i}`, shippedAt: '2026-03-02T10:00:00Z', state: 'delivered' });
      seedEvent(db, `D-${i}`, 'delivered', i < 10 ? '2026-03-16T10:00:00Z' : '2026-03-18T10:00:00Z'); // 10 and 12 business days
    }
    seedOrder(db, { orderId: 'NEW', shippedAt: '2026-04-06T08:00:00Z' }); // a Monday
    const order = orderFromRow(getOrder(db, 'NEW')!);
    const profile = profileResolver(EMPTY_CONFIG_FILE)(order);
    const builtin = buildContext({ order, milestone: 'shipped', profile, store: undefined });
    const learned = buildContext({
      order, milestone: 'shipped', profile, store: undefined,
      transitTable: await learnedTransitTable(sqliteLedger(db), order.carrier, order.country),
    });
    expect(builtin.expected).toMatchObject({ minDays: 10, maxDays: 22 });
    expect(learned.expected).toMatchObject({ minDays: 11, maxDays: 12, from: '2026-04-21', to: '2026-04-22', basis: 'table' });
    expect(learned.expected.note).toContain('learned from 20 deliveries');
  });
});
