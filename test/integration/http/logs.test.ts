import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { unsubscribeUrl } from '../../../src/domain/unsubscribe.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';

describe('request logs at info level', () => {
  let dir: TempDir;
  let daemon: RunningDaemon;
  const lines: string[] = [];
  const ADMIN = { POSTSHIP_ADMIN_USER: 'seller', POSTSHIP_ADMIN_PASSWORD: 'logs-test-password' };
  beforeAll(async () => {
    dir = tempDir();
    const logger = pino({ level: 'info' }, new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } }));
    daemon = await startDaemon(testConfig(dir, { POSTSHIP_UNSUBSCRIBE_SECRET: 'logs-test-unsubscribe-secret' }), { roles: ['web'], port: 0, logger, env: ADMIN });
  });
  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });

  it('carry no unsubscribe token, base64 email or admin search; other query strings stay', async () => {
    const link = unsubscribeUrl(daemon.url, 'logs-test-unsubscribe-secret', 'kate@example.com');
    const query = new URL(link).search;
    expect((await fetch(link)).status).toBe(200);
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    const auth = `Basic ${Buffer.from(`${ADMIN.POSTSHIP_ADMIN_USER}:${ADMIN.POSTSHIP_ADMIN_PASSWORD}`).toString('base64')}`;
    await fetch(`${daemon.url}/admin?q=kate%40example.com`, { headers: { authorization: auth } });
    await fetch(`${daemon.url}/admin/queues/api/queues?q=kate`, { headers: { authorization: auth } });
    await fetch(`${daemon.url}/healthz?probe=lb1`);
    const log = lines.join('');
    expect(log).toContain('"url":"/unsubscribe?[redacted]"');
    expect(log).toContain('"url":"/admin?[redacted]"');
    expect(log).toContain('"url":"/healthz?probe=lb1"');
    for (const secret of [query.slice(1), new URL(link).searchParams.get('t')!, new URL(link).searchParams.get('e')!, 'kate%40example.com', 'kate@example.com', 'q=kate']) {
      expect(log).not.toContain(secret);
    }
  });
});
