import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../domain/errors.js';

export interface AdminCredentials {
  user: string;
  password: string;
}

/** Shorter passwords fall to an offline or distributed guess too quickly to be worth throttling. */
export const MIN_ADMIN_PASSWORD_LENGTH = 12;

/**
 * The admin credentials of the environment, or null when neither is set (the
 * admin pages are then off). One without the other, or a password shorter
 * than MIN_ADMIN_PASSWORD_LENGTH, is a start-up error.
 */
export function adminCredentialsFrom(env: Record<string, string | undefined>): AdminCredentials | null {
  const user = env.POSTSHIP_ADMIN_USER?.trim();
  const password = env.POSTSHIP_ADMIN_PASSWORD ?? '';
  if (!user && !password) return null;
  const problems: string[] = [];
  if (!user) problems.push('POSTSHIP_ADMIN_PASSWORD is set but POSTSHIP_ADMIN_USER is not: set both, or neither to turn the admin pages off');
  if (!password) problems.push('POSTSHIP_ADMIN_USER is set but POSTSHIP_ADMIN_PASSWORD is not: set both, or neither to turn the admin pages off');
  else if ([...password].length < MIN_ADMIN_PASSWORD_LENGTH) {
    problems.push(`POSTSHIP_ADMIN_PASSWORD is ${[...password].length} characters long: use at least ${MIN_ADMIN_PASSWORD_LENGTH} (e.g. openssl rand -base64 18)`);
  }
  if (problems.length > 0) throw new InputError('admin_credentials_invalid', problems, 'Fix the admin credentials in the environment; see README "Security".');
  return { user: user!, password };
}

/** Bull Board may pause, empty and remove queues only when POSTSHIP_ADMIN_QUEUE_WRITES=on. */
export function adminQueueWritesFrom(env: Record<string, string | undefined>): boolean {
  const value = env.POSTSHIP_ADMIN_QUEUE_WRITES?.trim().toLowerCase() ?? 'off';
  if (value === 'on') return true;
  if (value === 'off' || value === '') return false;
  throw new InputError('admin_queue_writes_invalid', [`POSTSHIP_ADMIN_QUEUE_WRITES: ${JSON.stringify(value)} must be on or off`]);
}

export interface ThrottleOptions {
  /** Failed attempts a client may make per window (default 10). */
  maxFailures?: number;
  /** Default 60 s. */
  windowMs?: number;
  /** Clients remembered at once; the oldest are forgotten past it (default 10,000). */
  maxClients?: number;
  now?: () => number;
}

interface Failures {
  count: number;
  since: number;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * HTTP basic auth in constant time, with failed attempts throttled per client
 * address: past `maxFailures` in a window, the client gets 429 and a
 * Retry-After until the window ends, right credentials or not (otherwise the
 * throttle would still tell a guesser when it is right). Every failure is
 * logged at warn, with the address and never the password. One guard is
 * shared by every admin route, so /admin and /admin/queues count together.
 */
export function adminGuard(credentials: AdminCredentials, options: ThrottleOptions = {}) {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const maxClients = options.maxClients ?? 10_000;
  const now = options.now ?? Date.now;
  const failures = new Map<string, Failures>();

  const current = (ip: string, at: number): Failures | undefined => {
    const entry = failures.get(ip);
    if (entry && at - entry.since >= windowMs) {
      failures.delete(ip);
      return undefined;
    }
    return entry;
  };

  return async (request: FastifyRequest, reply: FastifyReply) => {
    const at = now();
    const ip = request.ip;
    const entry = current(ip, at);
    if (entry && entry.count >= maxFailures) {
      const retryAfter = Math.max(1, Math.ceil((entry.since + windowMs - at) / 1000));
      return reply.code(429).header('retry-after', String(retryAfter)).send({
        error: 'too_many_attempts',
        message: `too many failed admin logins from this address: try again in ${retryAfter} s`,
      });
    }
    const header = request.headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    const [user, ...rest] = Buffer.from(encoded ?? '', 'base64').toString('utf8').split(':');
    const ok = scheme?.toLowerCase() === 'basic' && same(user ?? '', credentials.user) && same(rest.join(':'), credentials.password);
    if (ok) return;
    // A browser's first request carries no credentials: that is a prompt, not a guess.
    if (header !== '') {
      const next = entry ?? { count: 0, since: at };
      next.count += 1;
      if (!entry) {
        if (failures.size >= maxClients) failures.delete(failures.keys().next().value!);
        failures.set(ip, next);
      }
      request.log.warn({ ip, failures: next.count, limit: maxFailures }, next.count >= maxFailures ? 'admin login failed; address throttled' : 'admin login failed');
    }
    reply.header('www-authenticate', 'Basic realm="postship admin", charset="UTF-8"');
    return reply.code(401).send({ error: 'unauthorized', message: 'admin pages need the POSTSHIP_ADMIN_USER / POSTSHIP_ADMIN_PASSWORD credentials' });
  };
}

export type AdminGuard = ReturnType<typeof adminGuard>;

/** No page of ours may be framed (clickjacking an unsubscribe or a queue action). */
export function denyFraming(_request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  reply.header('x-frame-options', 'DENY');
  reply.header('content-security-policy', "frame-ancestors 'none'");
  done();
}
