import { createHash, randomBytes } from 'node:crypto';
import { InputError } from '../domain/errors.js';
import type { Ledger } from '../store/ledger-api.js';
import { type ApiTokenRow } from '../store/api-tokens.js';

/** `pst_` + 43 base64url characters (256 random bits): recognisable in a leaked log or a secret scanner. */
const SECRET_PREFIX = 'pst_';

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface CreatedToken {
  id: string;
  name: string;
  /** null: every store. */
  store: string | null;
  /** Shown once; only its hash is kept. */
  secret: string;
}

export async function createApiToken(ledger: Ledger, options: { store: string | null; name?: string }, now: number): Promise<CreatedToken> {
  if (options.store !== null && (options.store.length > 64 || !/^[A-Za-z0-9._-]+$/.test(options.store))) {
    throw new InputError('token_invalid', [`--store ${JSON.stringify(options.store)} must be letters, digits, dots, dashes or underscores`]);
  }
  const name = options.name?.trim() || (options.store ? `store ${options.store}` : 'all stores');
  if (name.length > 100) throw new InputError('token_invalid', ['--name: longer than 100 characters']);
  const id = `tok_${randomBytes(6).toString('hex')}`;
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  await ledger.insertApiToken({ id, name, store: options.store, secretHash: hashTokenSecret(secret), createdAt: now });
  return { id, name, store: options.store, secret };
}

/** The token a bearer secret belongs to, or null (unknown, revoked, malformed). Records its use. */
export async function authenticateToken(ledger: Ledger, secret: string, now: number): Promise<ApiTokenRow | null> {
  if (!secret.startsWith(SECRET_PREFIX) || secret.length > 200) return null;
  const row = await ledger.apiTokenByHash(hashTokenSecret(secret));
  if (!row) return null;
  // At most once a minute: a busy integration should not turn every read into a write.
  if (row.lastUsedAt === null || now - row.lastUsedAt > 60_000) await ledger.touchApiToken(row.id, now);
  return row;
}

export async function revokeToken(ledger: Ledger, id: string, now: number): Promise<ApiTokenRow> {
  const row = await ledger.revokeApiToken(id, now);
  if (!row) throw new InputError('token_unknown', [`token ${JSON.stringify(id)} is not known`], '`postship tokens list` shows the tokens.');
  return row;
}

export async function tokenList(ledger: Ledger): Promise<Array<Omit<ApiTokenRow, 'secretHash'>>> {
  return (await ledger.listApiTokens()).map(({ secretHash: _hidden, ...rest }) => rest);
}

/** May this token act on this store's orders? */
export function tokenCovers(token: Pick<ApiTokenRow, 'store'>, store: string): boolean {
  return token.store === null || token.store === store;
}
