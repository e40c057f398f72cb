import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateToken, tokenCovers } from '../../services/api-tokens.js';
import type { ApiTokenRow } from '../../store/api-tokens.js';
import type { Ledger } from '../../store/ledger-api.js';
import { problem } from '../errors.js';

const tokens = new WeakMap<FastifyRequest, ApiTokenRow | null>();

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * The request's token, looked up once: the rate limiter asks first (a valid
 * token is not counted), the guard after it.
 */
export async function tokenOf(ledger: Ledger, request: FastifyRequest, now: number): Promise<ApiTokenRow | null> {
  if (tokens.has(request)) return tokens.get(request)!;
  const secret = bearer(request);
  const token = secret ? await authenticateToken(ledger, secret, now) : null;
  tokens.set(request, token);
  return token;
}

/** 401 for a request without a valid token, logged at warn with the address (never the token). */
export function requireToken(ledger: Ledger, now: () => number) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (await tokenOf(ledger, request, now())) return;
    const given = request.headers.authorization !== undefined;
    request.log.warn({ ip: request.ip, url: request.url.split('?')[0], given }, given ? 'API token refused' : 'API request without a token');
    reply.header('www-authenticate', 'Bearer realm="postship"');
    return reply.code(401).send(problem('unauthorized', given ? 'the bearer token is unknown or revoked' : 'send "Authorization: Bearer <token>" (postship tokens create)'));
  };
}

/** The authenticated token (requireToken ran before). */
export function tokenFor(request: FastifyRequest): ApiTokenRow {
  return tokens.get(request)!;
}

/** Sends 403 and returns false when the request's token does not cover `store`. */
export function covers(request: FastifyRequest, reply: FastifyReply, store: string): boolean {
  const token = tokenFor(request);
  if (tokenCovers(token, store)) return true;
  request.log.warn({ ip: request.ip, tokenId: token.id, store }, 'API token used for another store');
  void reply.code(403).send(problem('forbidden', `token ${token.id} is for store ${JSON.stringify(token.store)}, not ${JSON.stringify(store)}`));
  return false;
}
