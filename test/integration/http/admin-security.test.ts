import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { InputError } from '../../../src/domain/errors.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';

const USER = 'seller';
const PASSWORD = 'correct-horse-battery';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A request from a chosen loopback address: each 127.x.y.z is another client. */
function requestFrom(localAddress: string, url: string, options: { method?: string; authorization?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', localAddress, headers: options.authorization ? { authorization: options.authorization } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function startWeb(dir: TempDir, env: Record<string, string>, logger = pino({ level: 'silent' })): Promise<RunningDaemon> {
  return startDaemon(testConfig(dir), { roles: ['web'], port: 0, logger, env: { POSTSHIP_ADMIN_USER: USER, ...env } });
}

describe('admin credentials at start-up', () => {
  it.each([
    [{ POSTSHIP_ADMIN_PASSWORD: 'x' }, /POSTSHIP_ADMIN_PASSWORD is 1 characters long: use at least 12/],
    [{ POSTSHIP_ADMIN_PASSWORD: 'elevenchars' }, /is 11 characters long/],
    [{ POSTSHIP_ADMIN_USER: '', POSTSHIP_ADMIN_PASSWORD: 'long-enough-password' }, /POSTSHIP_ADMIN_USER is not/],
    [{ POSTSHIP_ADMIN_PASSWORD: '' }, /POSTSHIP_ADMIN_PASSWORD is not/],
    [{ POSTSHIP_ADMIN_PASSWORD: PASSWORD, POSTSHIP_ADMIN_QUEUE_WRITES: 'yes' }, /POSTSHIP_ADMIN_QUEUE_WRITES: "yes" must be on or off/],
  ])('%o is refused', async (env, message) => {
    const dir = tempDir();
    try {
      const started = startWeb(dir, env);
      await expect(started).rejects.toBeInstanceOf(InputError);
      await expect(started).rejects.toThrow(message);
    } finally {
      dir.remove();
    }
  });
});

describe('the admin pages against guessing and framing', () => {
  let dir: TempDir;
  let daemon: RunningDaemon;
  const log = capturedLogger();
  beforeAll(async () => {
    dir = tempDir();
    daemon = await startWeb(dir, { POSTSHIP_ADMIN_PASSWORD: PASSWORD }, log.logger);
  });
  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });

  it('throttles failed logins per client with 429 and Retry-After, logs them, and leaves other clients alone', async () => {
    const attacker = '127.0.0.7';
    for (let i = 0; i < 10; i++) {
      const paths = ['/admin', '/admin/queues']; // both count together
      expect((await requestFrom(attacker, `${daemon.url}${paths[i % 2]}`, { authorization: basic(USER, `guess-${i}`) })).status).toBe(401);
    }
    const throttled = await requestFrom(attacker, `${daemon.url}/admin`, { authorization: basic(USER, 'guess-11') });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password: the throttle must not tell a guesser when it is right.
    expect((await requestFrom(attacker, `${daemon.url}/admin`, { authorization: basic(USER, PASSWORD) })).status).toBe(429);
    // Another address logs in.
    expect((await requestFrom('127.0.0.8', `${daemon.url}/admin`, { authorization: basic(USER, PASSWORD) })).status).toBe(200);
    const failures = log.lines.filter((l) => l.includes('admin login failed'));
    expect(failures.length).toBe(10);
    expect(failures.at(-1)).toMatch(/address throttled/);
    expect(failures.join('')).toContain(attacker);
    expect(log.lines.join('')).not.toContain('guess-');
  });

  it('forbids framing of /admin, /admin/queues and /unsubscribe, signed in or not', async () => {
    const auth = { authorization: basic(USER, PASSWORD) };
    for (const [path, headers] of [['/admin', auth], ['/admin/queues', auth], ['/admin', {}], ['/unsubscribe?e=x&t=y', {}]] as const) {
      const res = await fetch(`${daemon.url}${path}`, { headers });
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });

  it('keeps Bull Board read-only: pausing, emptying and removing are refused', async () => {
    const auth = basic(USER, PASSWORD);
    for (const [method, path] of [['PUT', '/admin/queues/api/queues/pause'], ['PUT', '/admin/queues/api/queues/postship-send/pause'], ['PUT', '/admin/queues/api/queues/postship-send/empty'], ['PUT', '/admin/queues/api/queues/postship-send/obliterate'], ['PUT', '/admin/queues/api/queues/postship-send/job-schedulers/promote/remove']]) {
      const res = await fetch(`${daemon.url}${path}`, { method, headers: { authorization: auth } });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await res.json()).message).toMatch(/POSTSHIP_ADMIN_QUEUE_WRITES=on/);
    }
    expect(await (await daemon.runtime.sendQueue()).isPaused()).toBe(false);
  });
});

describe('Bull Board with POSTSHIP_ADMIN_QUEUE_WRITES=on', () => {
  it('may pause the queues', async () => {
    const dir = tempDir();
    const daemon = await startWeb(dir, { POSTSHIP_ADMIN_PASSWORD: PASSWORD, POSTSHIP_ADMIN_QUEUE_WRITES: 'on' });
    try {
      const res = await fetch(`${daemon.url}/admin/queues/api/queues/pause`, { method: 'PUT', headers: { authorization: basic(USER, PASSWORD) } });
      expect(res.status).toBe(200);
      const queue = await daemon.runtime.sendQueue();
      expect(await queue.isPaused()).toBe(true);
      await queue.resume();
    } finally {
      await daemon.stop();
      dir.remove();
    }
  });
});
