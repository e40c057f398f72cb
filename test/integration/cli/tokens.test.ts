import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticateToken } from '../../../src/services/api-tokens.js';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { tableRows, withLedgerAt } from '../../helpers/ledgers.js';
import { cliEnv, parseJson, runCli } from './run-cli.js';

describe('postship tokens create / list / revoke', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = cliEnv(dir);
  });
  afterEach(() => dir.remove());

  it('shows the secret once, keeps only its hash, lists without secrets, revokes at once', async () => {
    const created = await runCli(['tokens', 'create', '--store', 'acme', '--name', 'shop backend', '--json'], env);
    expect(created.code).toBe(0);
    const token = parseJson<{ id: string; name: string; store: string; secret: string }>(created);
    expect(token).toMatchObject({ name: 'shop backend', store: 'acme' });
    expect(token.secret).toMatch(/^pst_[A-Za-z0-9_-]{43}$/);
    const text = await runCli(['tokens', 'create', '--all-stores'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/for every store:\n\n {2}pst_\S+\n/);

    await withLedgerAt(env.POSTSHIP_DB, async (owner) => {
      expect(JSON.stringify(await tableRows(owner, 'apiTokens'))).not.toContain(token.secret);
      expect((await authenticateToken(owner.ledger, token.secret, Date.now()))?.id).toBe(token.id);
    });

    const listed = await runCli(['tokens', 'list', '--json'], env);
    expect(listed.stdout).not.toContain(token.secret);
    const rows = parseJson<{ tokens: Array<{ id: string; store: string | null; revokedUtc: string | null }> }>(listed).tokens;
    expect(rows.map((r) => r.store).sort()).toEqual(['acme', null].sort());

    const revoked = await runCli(['tokens', 'revoke', token.id], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/revoked/);
    expect(await withLedgerAt(env.POSTSHIP_DB, ({ ledger }) => authenticateToken(ledger, token.secret, Date.now()))).toBeNull();
    expect((await runCli(['tokens', 'revoke', 'tok_nope'], env)).code).toBe(2);
    const both = await runCli(['tokens', 'create', '--store', 'acme', '--all-stores'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --store/);
  });
});
