import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { orderStatus } from '../../../src/report/order-status.js';
import { createApiToken, revokeToken } from '../../../src/services/api-tokens.js';

import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';

const silent = pino({ level: 'silent' });

function order(id: string, over: Record<string, unknown> = {}) {
  return { orderId: id, store: 'acme', buyer: { name: 'Ana Souza', email: 'ana@example.com' }, country: 'BR', carrier: 'cainiao', trackingNumber: `LP${id.replace(/\D/g, '').padStart(9, '0')}BR`, ...over };
}

describe('HTTP API /api/v1 (real daemon, real HTTP on port 0)', () => {
  let dir: TempDir;
  let daemon: RunningDaemon;
  let all: string;
  let acme: string;
  let other: string;
  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    fetch(`${daemon.url}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    dir = tempDir();
    const config = testConfig(dir, { POSTSHIP_CONFIG: alwaysOpenConfig(dir) });
    daemon = await startDaemon(config, { roles: ['web'], port: 0, logger: silent, env: {} });
    const now = Date.now();
    all = (await createApiToken(daemon.runtime.ledger, { store: null }, now)).secret;
    acme = (await createApiToken(daemon.runtime.ledger, { store: 'acme', name: 'acme backend' }, now)).secret;
    other = (await createApiToken(daemon.runtime.ledger, { store: 'other' }, now)).secret;
  });
  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });

  it('refuses requests without a valid token (401), and a revoked token', async () => {
    expect((await call('GET', '/sends', null)).status).toBe(401);
    const bad = await call('GET', '/sends', 'pst_not-a-real-token');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await bad.json()).toMatchObject({ error: 'unauthorized' });
    const token = await createApiToken(daemon.runtime.ledger, { store: 'acme' }, Date.now());
    expect((await call('GET', '/sends', token.secret)).status).toBe(200);
    await revokeToken(daemon.runtime.ledger, token.id, Date.now());
    expect((await call('GET', '/sends', token.secret)).status).toBe(401);
  });

  it('POST /orders: 201 with what was scheduled, 200 on a repost that schedules nothing new', async () => {
    const first = await call('POST', '/orders', acme, order('API-1'));
    expect(first.status).toBe(201);
    const body = (await first.json()) as { orders: Array<{ orderId: string; created: boolean; sends: Array<{ milestone: string; status: string }> }>; queued: number | null };
    expect(body.orders).toHaveLength(1);
    expect(body.orders[0]).toMatchObject({ orderId: 'API-1', created: true, buyerTimezone: 'America/Sao_Paulo' });
    expect(body.orders[0].sends.map((s) => s.milestone)).toEqual(expect.arrayContaining(['shipped', 'day1', 'day14']));
    expect(typeof body.queued).toBe('number');
    const again = await call('POST', '/orders', acme, order('API-1', { buyer: { email: 'changed@example.com' } }));
    expect(again.status).toBe(200);
    const repeat = (await again.json()) as typeof body;
    expect(repeat.orders[0].created).toBe(false);
    expect(repeat.orders[0].sends).toEqual(body.orders[0].sends.map((s) => ({ ...s, status: expect.any(String) })));
    expect((await daemon.runtime.ledger.getOrder('API-1'))!.buyerEmail).toBe('ana@example.com');
  });

  it('POST /orders with an array: 422 lists every problem with its path, the invalid elements write nothing', async () => {
    const batch = [order('API-10'), order('API-11', { country: 'UK' }), order('API-12'), order('API-13', { carrier: 'pigeon', buyer: { email: 'nope' } })];
    const res = await call('POST', '/orders', all, batch);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; problems: string[]; orders: Array<{ orderId: string }> };
    expect(body.error).toBe('order_invalid');
    expect(body.problems).toContain('[1].country: "UK" is not an ISO 3166-1 alpha-2 code (did you mean "GB"?)');
    expect(body.problems.some((p) => p.startsWith('[3].carrier: "pigeon" is not a known carrier'))).toBe(true);
    expect(body.problems.some((p) => p.startsWith('[3].buyer.email: "nope" is not an email address'))).toBe(true);
    expect(body.orders.map((o) => o.orderId)).toEqual(['API-10', 'API-12']);
    expect(await daemon.runtime.ledger.getOrder('API-11')).toBeUndefined();
    expect(await daemon.runtime.ledger.getOrder('API-13')).toBeUndefined();
    expect(await daemon.runtime.ledger.getOrder('API-12')).toBeDefined();
  });

  it('refuses more than 1,000 orders a request, and malformed JSON', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => order(`MANY-${i}`));
    const res = await call('POST', '/orders', all, many);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toMatch(/1 to 1000 orders/);
    expect(await daemon.runtime.ledger.getOrder('MANY-0')).toBeUndefined();
    const broken = await fetch(`${daemon.url}/api/v1/orders`, { method: 'POST', headers: { authorization: `Bearer ${all}`, 'content-type': 'application/json' }, body: '{"orderId":' });
    expect(broken.status).toBe(400);
  });

  it("a store's token may not touch another store's orders (403), and writes nothing", async () => {
    const res = await call('POST', '/orders', acme, [order('API-20'), order('API-21', { store: 'other' })]);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('forbidden');
    expect(await daemon.runtime.ledger.getOrder('API-20')).toBeUndefined();
    expect((await call('GET', '/orders/API-1', other)).status).toBe(403);
    expect((await call('POST', '/orders/API-1/cancel', other, { reason: 'refund' })).status).toBe(403);
    expect((await call('POST', '/orders/API-1/dispute', other, { open: true })).status).toBe(403);
    expect((await call('GET', '/sends?store=acme', other)).status).toBe(403);
    // An order id another store already uses is a problem of that element, not a silent "already known".
    const taken = await call('POST', '/orders', other, order('API-1', { store: 'other' }));
    expect(taken.status).toBe(422);
    expect(((await taken.json()) as { problems: string[] }).problems[0]).toMatch(/^orderId: "API-1" is already an order of another store/);
  });

  it('GET /orders/{id} answers what `status --json` prints; 404 for an unknown order', async () => {
    const res = await call('GET', '/orders/API-1', acme);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify((await orderStatus(daemon.runtime.ledger, 'API-1'))!.json)));
    expect((await call('GET', '/orders/NOPE-1', all)).status).toBe(404);
  });

  it('POST /orders/{id}/dispute opens and closes; POST /orders/{id}/cancel stops pending messages', async () => {
    await call('POST', '/orders', acme, order('API-30'));
    const bad = await call('POST', '/orders/API-30/dispute', acme, { open: 'yes', reason: 'angry' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { problems: string[] }).problems).toEqual(['open: "yes" must be true or false', 'reason: "angry" is not one of not_received, not_as_described, other']);
    const opened = await call('POST', '/orders/API-30/dispute', acme, { open: true, reason: 'not_received' });
    expect(opened.status).toBe(200);
    expect(await opened.json()).toMatchObject({ orderId: 'API-30', open: true, reason: 'not_received', seq: 0, alreadyOpen: false, replySendId: expect.any(Number) });
    const closed = await call('POST', '/orders/API-30/dispute', acme, { open: false });
    expect(await closed.json()).toMatchObject({ orderId: 'API-30', open: false });

    expect((await call('POST', '/orders/API-30/cancel', acme, { reason: 'because' })).status).toBe(422);
    const cancel = await call('POST', '/orders/API-30/cancel', acme, { reason: 'refund' });
    expect(cancel.status).toBe(200);
    const body = (await cancel.json()) as { cancelled: Array<{ milestone: string }>; reason: string };
    expect(body.reason).toBe('refund');
    expect(body.cancelled.map((c) => c.milestone)).toEqual(expect.arrayContaining(['day1', 'day14']));
    expect((await daemon.runtime.ledger.getOrder('API-30'))!.state).toBe('cancelled');
    expect((await call('POST', '/orders/NOPE-1/cancel', all, { reason: 'refund' })).status).toBe(404);
  });

  it('POST /orders/{id}/feedback records a rating: 5 schedules the thanks once, a bad rating is 422, another store 403', async () => {
    await call('POST', '/orders', acme, order('API-40'));
    const bad = await call('POST', '/orders/API-40/feedback', acme, { rating: 9 });
    expect(bad.status).toBe(422);
    const thanked = await call('POST', '/orders/API-40/feedback', acme, { rating: 5, text: 'Lovely' });
    expect(thanked.status).toBe(200);
    expect(await thanked.json()).toMatchObject({ orderId: 'API-40', rating: 5, outcome: 'thanks_scheduled', thanksSendId: expect.any(Number) });
    expect(await (await call('POST', '/orders/API-40/feedback', acme, { rating: 5 })).json()).toMatchObject({ outcome: 'already_thanked', thanksSendId: null });
    expect((await call('POST', '/orders/API-40/feedback', other, { rating: 5 })).status).toBe(403);
    expect((await call('POST', '/orders/NOPE-1/feedback', all, { rating: 5 })).status).toBe(404);
  });

  it('GET /sends filters like `list` and pages by cursor; a store token sees its store only', async () => {
    await call('POST', '/orders', all, [order('OTH-1', { store: 'other' }), order('OTH-2', { store: 'other' })]);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call('GET', `/sends?milestone=day1,day14&limit=3${cursor ? `&cursor=${cursor}` : ''}`, all);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { rows: Array<{ sendId: number; milestone: string; dueUtc: string }>; nextCursor: string | null };
      expect(page.rows.every((r) => r.milestone === 'day1' || r.milestone === 'day14')).toBe(true);
      seen.push(...page.rows.map((r) => r.sendId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    const everything = (await (await call('GET', '/sends?milestone=day1,day14&limit=1000', all)).json()) as { rows: Array<{ sendId: number }> };
    expect(seen).toEqual(everything.rows.map((r) => r.sendId));

    const mine = (await (await call('GET', '/sends?limit=1000', other)).json()) as { rows: Array<{ store: string }> };
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(new Set(mine.rows.map((r) => r.store))).toEqual(new Set(['other']));
    const invalid = await call('GET', '/sends?status=lost&country=UK&limit=0&cursor=zzz', all);
    expect(invalid.status).toBe(422);
    const problems = ((await invalid.json()) as { problems: string[] }).problems;
    expect(problems).toEqual(expect.arrayContaining([
      'status "lost" is not one of scheduled, queued, sending, sent, skipped, cancelled, failed',
      'country "UK" is not an ISO 3166-1 alpha-2 code (did you mean "GB"?)',
      'limit "0" must be a whole number from 1 to 1000',
    ]));
  });

  it('serves an OpenAPI 3 document generated from the route schemas, without a token', async () => {
    const res = await fetch(`${daemon.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>; components: { securitySchemes: object } };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(['/orders', '/orders/{id}', '/orders/{id}/cancel', '/orders/{id}/dispute', '/orders/{id}/feedback', '/sends']);
    expect(Object.keys(doc.paths['/orders'].post.responses)).toEqual(expect.arrayContaining(['200', '201', '422', '401', '403']));
    expect(doc.paths['/orders'].post.requestBody).toBeDefined();
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
  });

  it('throttles failed authentications per address (429), while valid tokens keep working', async () => {
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) last = (await call('GET', '/sends', `pst_guess-${i}`)).status;
    expect(last).toBe(429);
    const throttled = await call('GET', '/sends', null);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await throttled.json()).toMatchObject({ error: 'too_many_attempts' });
    expect((await call('GET', '/sends', all)).status).toBe(200);
  });
});
