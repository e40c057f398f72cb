import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresLedger } from '../../../src/store/pg/pg-ledger.js';
import { contractPair, type ContractPair } from './contract-pair.js';

describe('meta on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
  });
  afterEach(() => pair.close());

  it('metaValue is undefined until set; setMetaValue inserts, then replaces', async () => {
    expect(await pair.same((l) => l.metaValue('digest:default:2026-03-02'))).toBeUndefined();
    await pair.same((l) => l.setMetaValue('digest:default:2026-03-02', 'a'));
    expect(await pair.same((l) => l.metaValue('digest:default:2026-03-02'))).toBe('a');
    await pair.same((l) => l.setMetaValue('digest:default:2026-03-02', 'b'));
    expect(await pair.same((l) => l.metaValue('digest:default:2026-03-02'))).toBe('b');
  });

  it('installationSecret is made once and kept: 43 base64url characters, the same on every call', async () => {
    for (const ledger of pair.both) {
      const first = await ledger.installationSecret('unsubscribe-secret');
      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await ledger.installationSecret('unsubscribe-secret')).toBe(first);
      expect(await ledger.metaValue('unsubscribe-secret')).toBe(first);
      expect(await ledger.installationSecret('other-secret')).not.toBe(first);
    }
  });

  it('installationSecret: processes starting at once all get the one secret', async () => {
    // Separate pools stand for separate processes.
    const ledgers = Array.from({ length: 6 }, () => postgresLedger(pair.pgUrl));
    try {
      const secrets = await Promise.all(ledgers.flatMap((l) => [l.installationSecret('unsubscribe-secret'), l.installationSecret('unsubscribe-secret')]));
      expect(new Set(secrets).size).toBe(1);
      expect(await pair.postgres.metaValue('unsubscribe-secret')).toBe(secrets[0]);
    } finally {
      await Promise.all(ledgers.map((l) => l.close()));
    }
  });
});
