import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../../../src/daemon.js';
import { InputError } from '../../../src/domain/errors.js';
import { tempDir, testConfig } from '../../helpers/env.js';

const silent = pino({ level: 'silent' });
const ADMIN = { POSTSHIP_ADMIN_USER: 'ops', POSTSHIP_ADMIN_PASSWORD: 'metrics-admin-password' };
const auth = `Basic ${Buffer.from(`${ADMIN.POSTSHIP_ADMIN_USER}:${ADMIN.POSTSHIP_ADMIN_PASSWORD}`).toString('base64')}`;

async function withWeb(env: Record<string, string>, fn: (d: Awaited<ReturnType<typeof startDaemon>>) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const daemon = await startDaemon(testConfig(dir), { roles: ['web'], port: 0, logger: silent, env });
  try {
    await fn(daemon);
  } finally {
    await daemon.stop();
    dir.remove();
  }
}

describe('/metrics is never open on the public port', () => {
  it('without admin credentials or an ops port: 503 naming both', async () => {
    await withWeb({}, async (d) => {
      const res = await fetch(`${d.url}/metrics`);
      expect(res.status).toBe(503);
      expect((await res.json()).message).toMatch(/POSTSHIP_ADMIN_USER .* or a port of its own \(POSTSHIP_METRICS_PORT\)/);
    });
  });

  it('with admin credentials: behind basic auth', async () => {
    await withWeb(ADMIN, async (d) => {
      expect((await fetch(`${d.url}/metrics`)).status).toBe(401);
      const ok = await fetch(`${d.url}/metrics`, { headers: { authorization: auth } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^# TYPE postship_sends gauge$/m);
    });
  });

  it('with POSTSHIP_METRICS_PORT: open on its own loopback listener, 404 on the public port', async () => {
    await withWeb({ POSTSHIP_METRICS_PORT: '0' }, async (d) => {
      expect(d.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${d.url}/metrics`)).status).toBe(404);
      const ok = await fetch(`${d.metricsUrl}/metrics`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/postship_webhook_requests_total|postship_sends/);
    });
  });

  it('a bad POSTSHIP_METRICS_PORT is a start-up error', async () => {
    const dir = tempDir();
    try {
      await expect(startDaemon(testConfig(dir), { roles: ['web'], port: 0, logger: silent, env: { POSTSHIP_METRICS_PORT: 'ninety' } })).rejects.toBeInstanceOf(InputError);
    } finally {
      dir.remove();
    }
  });
});
