import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { unsubscribeUrl } from '../../../src/domain/unsubscribe.js';
import { InputError } from '../../../src/domain/errors.js';
import { MILESTONES } from '../../../src/domain/milestones.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { tableRows } from '../../helpers/ledgers.js';

const SECRET = 'configured-unsubscribe-secret-value';
const silent = pino({ level: 'silent' });

describe('one-click unsubscribe (RFC 8058)', () => {
  let dir: TempDir;
  let daemon: RunningDaemon;
  beforeAll(async () => {
    dir = tempDir();
    daemon = await startDaemon(testConfig(dir, { POSTSHIP_UNSUBSCRIBE_SECRET: SECRET }), { roles: ['web'], port: 0, logger: silent, env: {} });
  });
  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });
  const suppressed = async () => (await tableRows(daemon.runtime, 'suppressions')).map((s) => s.email).sort();

  it('accepts the POST as urlencoded, multipart/form-data, or with no body at all', async () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const posts: Array<[string, RequestInit]> = [
      ['url@example.com', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }],
      ['multi@example.com', { body: form }], // fetch sets multipart/form-data; boundary=...
      ['bare@example.com', {}],
    ];
    for (const [email, init] of posts) {
      const res = await fetch(unsubscribeUrl(daemon.url, SECRET, email), { method: 'POST', ...init });
      expect(res.status, email).toBe(200);
    }
    expect(await suppressed()).toEqual(['bare@example.com', 'multi@example.com', 'url@example.com']);
    // A tampered link is still refused, whatever the body.
    const bad = unsubscribeUrl(daemon.url, SECRET, 'x@example.com').replace(/t=[^&]+/, 't=AAAA');
    expect((await fetch(bad, { method: 'POST', body: form })).status).toBe(400);
  });

  it('an unsubscribe stops the optional letters (review requests, delay notices) and nothing about the parcel', async () => {
    expect((await fetch(unsubscribeUrl(daemon.url, SECRET, 'Opt.Out@Example.com'), { method: 'POST' })).status).toBe(200);
    const suppressedFor = async (email: string) => (await Promise.all(MILESTONES.map(async (m) => ((await daemon.runtime.ledger.isSuppressed(email, m)) ? m : null)))).filter((m) => m !== null);
    const stopped = await suppressedFor('opt.out@example.com');
    expect(stopped.sort()).toEqual(['day14', 'delay']);
    // A hard bounce later widens it to everything.
    await daemon.runtime.ledger.suppress('opt.out@example.com', 'all', 'hard bounce', Date.now());
    expect(await suppressedFor('opt.out@example.com')).toEqual([...MILESTONES]);
  });

  it('keeps a configured secret out of the ledger (a fingerprint only)', async () => {
    const rows = await tableRows(daemon.runtime, 'meta');
    expect(rows.map((r) => r.key)).not.toContain('unsubscribe-secret');
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    expect(rows.map((r) => r.key)).toContain('unsubscribe-secret-fingerprint');
  });

  it('a role started without the secret the others use is a start-up error', async () => {
    const started = startDaemon(testConfig(dir, { POSTSHIP_DB: daemon.runtime.config.dbPath }), { roles: ['worker'], port: 0, logger: silent, env: {} });
    await expect(started).rejects.toBeInstanceOf(InputError);
    await expect(started).rejects.toThrow(/POSTSHIP_UNSUBSCRIBE_SECRET is not set, but another postship process on this database signs unsubscribe links with one/);
  });
});
