import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractPair, T0, type ContractPair } from './contract-pair.js';

describe('api tokens on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
  });
  afterEach(() => pair.close());

  const token = (id: string, createdAt: number, store: string | null = null) => ({ id, name: `token ${id}`, store, secretHash: `hash-${id}`, createdAt });

  it('insert, look up by hash, touch, list by creation time then id (bytewise)', async () => {
    // Same creation time: 'B' before 'a' as bytes (a locale collation would say otherwise).
    for (const t of [token('tok_a', T0 + 1), token('tok_B', T0 + 1, 'eu'), token('tok_0', T0)]) await pair.same((l) => l.insertApiToken(t));
    const found = await pair.same((l) => l.apiTokenByHash('hash-tok_B'));
    expect(found).toEqual({ id: 'tok_B', name: 'token tok_B', store: 'eu', secretHash: 'hash-tok_B', createdAt: T0 + 1, lastUsedAt: null, revokedAt: null });
    expect(await pair.same((l) => l.apiTokenByHash('nope'))).toBeUndefined();
    await pair.same((l) => l.touchApiToken('tok_B', T0 + 5));
    await pair.same((l) => l.touchApiToken('missing', T0 + 5));
    const list = await pair.same((l) => l.listApiTokens());
    expect(list.map((t) => [t.id, t.lastUsedAt])).toEqual([['tok_0', null], ['tok_B', T0 + 5], ['tok_a', null]]);
  });

  it('a second token with the same secret hash is refused on both', async () => {
    await pair.same((l) => l.insertApiToken(token('tok_a', T0)));
    for (const ledger of pair.both) await expect(ledger.insertApiToken({ ...token('tok_b', T0), secretHash: 'hash-tok_a' })).rejects.toThrow();
  });

  it('revoke: undefined for an unknown id; the first revocation time is kept; a revoked token no longer authenticates', async () => {
    await pair.same((l) => l.insertApiToken(token('tok_a', T0)));
    expect(await pair.same((l) => l.revokeApiToken('missing', T0 + 1))).toBeUndefined();
    const first = await pair.same((l) => l.revokeApiToken('tok_a', T0 + 2));
    expect(first).toEqual({ ...token('tok_a', T0), lastUsedAt: null, revokedAt: T0 + 2 });
    expect(await pair.same((l) => l.revokeApiToken('tok_a', T0 + 9))).toEqual(first);
    expect(await pair.same((l) => l.apiTokenByHash('hash-tok_a'))).toBeUndefined();
    expect((await pair.same((l) => l.listApiTokens()))[0].revokedAt).toBe(T0 + 2);
  });
});
