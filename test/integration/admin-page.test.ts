import { writeFileSync } from 'node:fs';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { EMPTY_CONFIG_FILE } from '../../src/config/config-file.js';
import { adminRoutes } from '../../src/http/admin.js';
import { adminPageRoutes } from '../../src/http/admin-page.js';
import { silentLogger } from '../../src/logger.js';
import { openSqliteLedger } from '../../src/store/sqlite-ledger.js';
import { tempDir, testConfig, type TempDir } from '../helpers/env.js';

const ADMIN = { POSTSHIP_ADMIN_USER: 'seller', POSTSHIP_ADMIN_PASSWORD: 'pa55:word-long-enough' };
const AUTH = `Basic ${Buffer.from(`${ADMIN.POSTSHIP_ADMIN_USER}:${ADMIN.POSTSHIP_ADMIN_PASSWORD}`).toString('base64')}`;

// The dashboard's views in Chromium: test/integration/dashboard/dashboard.test.ts.
describe('the admin pages (auth, old links, Bull Board)', () => {
  let dir: TempDir;
  let daemon: RunningDaemon;

  beforeAll(async () => {
    dir = tempDir();
    writeFileSync(dir.file('config.json'), JSON.stringify({ stores: { acme: { protectionDays: 60 } } }));
    daemon = await startDaemon(testConfig(dir, { POSTSHIP_CONFIG: dir.file('config.json') }), { roles: ['web'], port: 0, logger: silentLogger(), env: ADMIN });
  });
  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });

  it('refuses every view and every CSV without credentials', async () => {
    for (const path of ['/admin', '/admin/lanes', '/admin/letters', '/admin/gallery', '/admin/order?q=X', '/admin/lanes.csv?table=lanes']) {
      const res = await fetch(`${daemon.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
    expect((await fetch(`${daemon.url}/admin/actions/cancel`, { method: 'POST' })).status).toBe(401);
  });

  it('serves an empty ledger, sends the old search link to the order page, and is never framed', async () => {
    const res = await fetch(`${daemon.url}/admin`, { headers: { authorization: AUTH } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toContain('nothing needs you right now');
    const old = await fetch(`${daemon.url}/admin?q=ES-1001`, { headers: { authorization: AUTH }, redirect: 'manual' });
    expect(old.status).toBe(303);
    expect(old.headers.get('location')).toBe('/admin/order?q=ES-1001');
    const unknownTable = await fetch(`${daemon.url}/admin/lanes.csv?table=nope`, { headers: { authorization: AUTH } });
    expect(unknownTable.status).toBe(404);
    expect((await unknownTable.json()).message).toContain('lanes');
  });

  it('leaves Bull Board at /admin/queues alone', async () => {
    const res = await fetch(`${daemon.url}/admin/queues`, { headers: { authorization: AUTH } });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('seller dashboard');
  });
});

describe('the admin page without credentials', () => {
  it('is off and says why', async () => {
    const dir = tempDir();
    const ledger = openSqliteLedger(dir.file('p.db'));
    const app = Fastify();
    await app.register(adminRoutes, { deps: { guard: null, queues: [], queueWrites: false } });
    await app.register(adminPageRoutes, { deps: { guard: null, ledger, file: EMPTY_CONFIG_FILE, zone: 'UTC', now: () => Date.now() } });
    const res = await app.inject({ url: '/admin/' });
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toMatch(/POSTSHIP_ADMIN_USER/);
    await app.close();
    await ledger.close();
    dir.remove();
  });
});
