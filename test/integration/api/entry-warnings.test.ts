import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { createApiToken } from '../../../src/services/api-tokens.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';

const order = (id: string, carrier: string, trackingNumber: string) =>
  ({ orderId: id, store: 'acme', buyer: { name: 'Ana Souza', email: 'ana@example.com' }, country: 'BR', carrier, trackingNumber });

describe('POST /api/v1/orders: a tracking number that fits no format of its carrier', () => {
  let dir: TempDir;
  let daemon: RunningDaemon;
  let token: string;
  const post = (body: unknown) =>
    fetch(`${daemon.url}/api/v1/orders`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    dir = tempDir();
    daemon = await startDaemon(testConfig(dir, { POSTSHIP_CONFIG: alwaysOpenConfig(dir) }), { roles: ['web'], port: 0, logger: pino({ level: 'silent' }), env: {} });
    token = (await createApiToken(daemon.runtime.ledger, { store: 'acme' }, Date.now())).secret;
  });
  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });

  it('is accepted (201) with a warning naming the path and the likely carrier; a fitting number has none', async () => {
    const res = await post([order('TW-1', 'cainiao', 'LP00412345678901'), order('TW-2', 'cainiao', '1Z5R89390357567127')]);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { orders: Array<{ orderId: string; created: boolean }>; warnings: Array<Record<string, unknown>> };
    expect(body.orders.map((o) => [o.orderId, o.created])).toEqual([['TW-1', true], ['TW-2', true]]);
    expect(body.warnings).toEqual([
      {
        code: 'tracking_number_format', path: '[1].trackingNumber', orderId: 'TW-2', carrier: 'cainiao', trackingNumber: '1Z5R89390357567127',
        likelyCarrier: 'ups', message: expect.stringContaining("does not fit cainiao's formats"),
      },
    ]);
    const single = (await (await post(order('TW-3', 'ups', '1Z999AA10123456784'))).json()) as { warnings: unknown[] };
    expect(single.warnings).toEqual([]);
  });

  it('is listed beside the problems of a 422, for the orders that were entered', async () => {
    const res = await post([order('TW-4', 'dhl', '1234567890'), { ...order('TW-5', 'dhl', '1234567891'), country: 'UK' }]);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { warnings: Array<{ path: string; likelyCarrier: string | null }> };
    expect(body.warnings.map((w) => [w.path, w.likelyCarrier])).toEqual([['[0].trackingNumber', null]]);
  });

  it('the OpenAPI document describes the warnings', async () => {
    const doc = (await (await fetch(`${daemon.url}/api/v1/openapi.json`)).json()) as Record<string, any>;
    const text = JSON.stringify(doc.paths['/api/v1/orders'] ?? doc.paths['/orders']);
    expect(text).toContain('likelyCarrier');
  });
});
