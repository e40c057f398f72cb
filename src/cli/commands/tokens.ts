import { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import { createApiToken, revokeToken, tokenList } from '../../services/api-tokens.js';
import { print, printJson, withLedger, type Cli } from '../cli.js';
import { fitTable, isoUtc, utcTime } from '../format.js';

interface CreateOptions { store?: string; allStores?: boolean; name?: string; json?: boolean }

async function create(cli: Cli, o: CreateOptions): Promise<void> {
  if (Boolean(o.store) === Boolean(o.allStores)) {
    throw new InputError('token_invalid', ['give exactly one of --store STORE (a token for one store) or --all-stores']);
  }
  await withLedger(cli, async (runtime) => {
    const token = await createApiToken(runtime.ledger, { store: o.store ?? null, name: o.name }, runtime.clock.now().toMillis());
    if (o.json) return printJson(cli, token);
    print(cli, `token ${token.id} (${token.name}) for ${token.store ? `store ${token.store}` : 'every store'}:`);
    print(cli);
    print(cli, `  ${token.secret}`);
    print(cli);
    print(cli, cli.colors.dim('Shown once: only its hash is kept. Send it as "Authorization: Bearer <token>".'));
  }, undefined, { createLedger: true });
}

async function revoke(cli: Cli, id: string, o: { json?: boolean }): Promise<void> {
  await withLedger(cli, async (runtime) => {
    const row = await revokeToken(runtime.ledger, id, runtime.clock.now().toMillis());
    if (o.json) printJson(cli, { id: row.id, revokedUtc: isoUtc(row.revokedAt) });
    else print(cli, `token ${row.id} (${row.name}) revoked: requests with it now get 401`);
  });
}

async function list(cli: Cli, o: { json?: boolean }): Promise<void> {
  await withLedger(cli, async (runtime) => {
    const rows = (await tokenList(runtime.ledger)).map((t) => ({
      id: t.id,
      name: t.name,
      store: t.store,
      createdUtc: isoUtc(t.createdAt),
      lastUsedUtc: isoUtc(t.lastUsedAt),
      revokedUtc: isoUtc(t.revokedAt),
    }));
    if (o.json) return printJson(cli, { tokens: rows });
    if (rows.length === 0) return print(cli, 'no API tokens; create one with `postship tokens create --store STORE`');
    print(cli, fitTable(
      ['id', 'name', 'store', 'created (UTC)', 'last used', 'state'],
      rows.map((t) => [t.id, t.name, t.store ?? '(all)', utcTime(Date.parse(t.createdUtc!)), t.lastUsedUtc ? utcTime(Date.parse(t.lastUsedUtc)) : '-', t.revokedUtc ? 'revoked' : 'active']),
    ));
  });
}

export function tokensCommand(cli: Cli): Command {
  const command = new Command('tokens').description('bearer tokens of the HTTP API (/api/v1): create, revoke, list');
  command
    .command('create')
    .description('create a token; the secret is printed once and stored hashed')
    .option('--store <store>', 'the one store whose orders it may read and write')
    .option('--all-stores', 'a token for every store')
    .option('--name <name>', 'a label, e.g. the system that uses it')
    .option('--json', 'print JSON: {id, name, store, secret}')
    .addHelpText('after', '\nExample:\n  $ postship tokens create --store acme --name "shop backend"')
    .action((options: CreateOptions) => create(cli, options));
  command
    .command('revoke')
    .description('revoke a token at once')
    .argument('<id>', 'the token id (tok_...), from `tokens list`')
    .option('--json', 'print JSON: {id, revokedUtc}')
    .action((id: string, options: { json?: boolean }) => revoke(cli, id, options));
  command
    .command('list')
    .description('every token, without secrets')
    .option('--json', 'print JSON: {tokens: [{id, name, store, createdUtc, lastUsedUtc, revokedUtc}]}')
    .action((options: { json?: boolean }) => list(cli, options));
  return command;
}
