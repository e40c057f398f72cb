import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { silentLogger } from '../../../src/logger.js';
import { SECRETS } from '../../fixtures/webhooks/harness.js';
import { aftershipPayload, signAftership } from '../../fixtures/webhooks/payloads.js';
import { testConfig, tempDir, type TempDir } from '../../helpers/env.js';
import { startSeventeenTrack } from '../../helpers/providers/seventeen-track.js';
import type { StandIn } from '../../helpers/providers/stand-in.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { cliEnv, parseJson, runCli } from '../cli/run-cli.js';

const ADMIN = { POSTSHIP_ADMIN_USER: 'seller', POSTSHIP_ADMIN_PASSWORD: 'pa55:word-long-enough' };
const AUTH = `Basic ${Buffer.from(`${ADMIN.POSTSHIP_ADMIN_USER}:${ADMIN.POSTSHIP_ADMIN_PASSWORD}`).toString('base64')}`;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where screenshots go (CI can keep them): POSTSHIP_SCREENSHOT_DIR, else the system temp dir. */
export const SCREENSHOT_DIR = process.env.POSTSHIP_SCREENSHOT_DIR ?? tmpdir();
const WIDTHS = [{ name: 'desktop', width: 1280, height: 900 }, { name: 'mobile', width: 375, height: 800 }] as const;

const ago = (days: number, hours = 0) => DateTime.utc().minus({ days, hours });

/**
 * The orders of the scenario, as a seller's export: a slow lane (DHL to France,
 * three weeks for an express parcel), a lane on time (DHL to Germany), one
 * order in each needs-attention state, and one in exception.
 */
const ORDERS = [
  ...[1, 2, 3].map((i) => ({ id: `SLOW-${i}`, country: 'FR', carrier: 'dhl', shipped: ago(26 + i), email: `slow${i}@example.com` })),
  ...[1, 2, 3].map((i) => ({ id: `FAST-${i}`, country: 'DE', carrier: 'dhl', shipped: ago(9 + i), email: `fast${i}@example.com` })),
  { id: 'RISK-1', country: 'ES', carrier: 'china-post', shipped: ago(55), email: 'risk@example.com' },
  { id: 'STALL-1', country: 'ES', carrier: 'china-post', shipped: ago(20), email: 'stall@example.com' },
  { id: 'REJ-1', country: 'ES', carrier: 'china-post', shipped: ago(2), email: 'rej@example.com' },
  { id: 'PICK-1', country: 'US', carrier: 'china-post', shipped: ago(25), email: 'pick@example.com' },
  { id: 'BOUNCE-1', country: 'ES', carrier: 'china-post', shipped: ago(0, 1), email: 'bounce-me@example.com' },
  { id: 'HELD-1', country: 'ES', carrier: 'china-post', shipped: ago(8), email: 'held@example.com' },
  // A delivery attempt failed, and no scan since: the exception segment.
  { id: 'EXC-1', country: 'ES', carrier: 'china-post', shipped: ago(10), email: 'exc@example.com' },
];
const tn = (id: string) => `TN${id.replace(/[^A-Z0-9]/g, '')}CN`;

describe('the seller dashboard in headless Chromium, on data made through the CLI, the API and webhooks', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let api: StandIn;
  let daemon: RunningDaemon;
  let browser: Browser;
  let context: BrowserContext;
  let env: Record<string, string>;

  const webhook = async (trackingNumber: string, scans: Array<{ tag: string; subtag: string; at: DateTime }>) => {
    const body = JSON.stringify(aftershipPayload({ trackingNumber, slug: 'dhl', scans }));
    const res = await fetch(`${daemon.url}/webhooks/aftership`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signAftership(body, SECRETS.AFTERSHIP_WEBHOOK_SECRET) } });
    expect(res.status).toBeLessThan(300);
  };
  const shot = async (tab: Page, name: string) => {
    for (const w of WIDTHS) {
      await tab.setViewportSize({ width: w.width, height: w.height });
      await tab.screenshot({ path: join(SCREENSHOT_DIR, `postship-dashboard-${name}-${w.name}.png`), fullPage: true });
      // The layout holds at 375 px: nothing wider than the viewport but the scrollable tables.
      expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w.width);
    }
    await tab.setViewportSize({ width: 1280, height: 900 });
  };

  beforeAll(async () => {
    dir = tempDir();
    smtp = await startSmtpSink(0, {
      onRcptTo(address, _session, cb) {
        if (address.address.startsWith('bounce')) return cb(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
        cb();
      },
    });
    api = await startSeventeenTrack();
    api.invalid.add(tn('REJ-1'));
    writeFileSync(dir.file('config.json'), JSON.stringify({
      admin: { timezone: 'Europe/Madrid' },
      defaults: { sendWindow: { start: '00:00', end: '24:00' } },
      stores: { acme: { protectionDays: 60 } },
    }));
    const settings = {
      POSTSHIP_CONFIG: dir.file('config.json'), SMTP_URL: smtp.url, POSTSHIP_TRACKING: '17track',
      SEVENTEENTRACK_API_KEY: api.key, SEVENTEENTRACK_API_URL: api.url, POSTSHIP_POLL_AFTER: 'PT6H',
    };
    env = cliEnv(dir, settings);
    const csv = ['order_id,buyer_name,buyer_email,country,carrier,tracking_number,shipped_at,store',
      ...ORDERS.map((o) => `${o.id},Buyer ${o.id},${o.email},${o.country},${o.carrier},${tn(o.id)},${o.shipped.toISO()},acme`)].join('\n');
    writeFileSync(dir.file('orders.csv'), `${csv}\n`);
    const imported = await runCli(['import', dir.file('orders.csv'), '--json'], env);
    expect(imported.code, imported.stderr).toBe(0);
    const sync = await runCli(['tracking', 'sync', '--json'], env);
    expect(parseJson(sync).providers[0]).toMatchObject({ rejected: 1 });

    const config = testConfig(dir, { ...settings, POSTSHIP_QUEUE_PREFIX: env.POSTSHIP_QUEUE_PREFIX! });
    daemon = await startDaemon(config, { roles: ['worker', 'web'], port: 0, logger: silentLogger(), env: { ...ADMIN, AFTERSHIP_WEBHOOK_SECRET: SECRETS.AFTERSHIP_WEBHOOK_SECRET } });
    // An order entered through the HTTP API as well (a store backend's way in).
    const token = parseJson(await runCli(['tokens', 'create', '--store', 'acme', '--name', 'backend', '--json'], env)).secret as string;
    const res = await fetch(`${daemon.url}/api/v1/orders`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'API-1', store: 'acme', buyer: { name: 'Ana Souza', email: 'ana@example.com' }, country: 'DE', carrier: 'dhl', trackingNumber: tn('API-1') }),
    });
    expect(res.status).toBe(201);

    for (const o of ORDERS.filter((x) => x.id.startsWith('SLOW') || x.id.startsWith('FAST'))) {
      const transit = o.id.startsWith('SLOW') ? 22 : 4;
      await webhook(tn(o.id), [{ tag: 'InTransit', subtag: 'InTransit_002', at: o.shipped.plus({ days: 1 }) }, { tag: 'Delivered', subtag: 'Delivered_001', at: o.shipped.plus({ days: transit }) }]);
    }
    await webhook(tn('STALL-1'), [{ tag: 'InTransit', subtag: 'InTransit_002', at: ago(12) }]);
    await webhook(tn('PICK-1'), [{ tag: 'InTransit', subtag: 'InTransit_002', at: ago(20) }, { tag: 'AvailableForPickup', subtag: 'AvailableForPickup_001', at: ago(12) }]);
    await webhook(tn('HELD-1'), [{ tag: 'InTransit', subtag: 'InTransit_002', at: ago(6) }]);
    await webhook(tn('EXC-1'), [{ tag: 'InTransit', subtag: 'InTransit_002', at: ago(8) }, { tag: 'AttemptFail', subtag: 'AttemptFail_001', at: ago(2) }]);
    expect((await runCli(['dispute', 'HELD-1', '--open', '--reason', 'other'], env)).code).toBe(0);
    browser = await chromium.launch({ executablePath: inject('browserPath'), args: CHROMIUM_ARGS });
    // JavaScript off: the dashboard is HTML, SVG and forms.
    context = await browser.newContext({ javaScriptEnabled: false, httpCredentials: { username: ADMIN.POSTSHIP_ADMIN_USER, password: ADMIN.POSTSHIP_ADMIN_PASSWORD } });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await daemon?.stop();
    await api?.stop();
    await smtp?.stop();
    dir?.remove();
  });

  it('the scenario reaches the ledger: webhooks applied by the worker, the rejected number, the bounce', async () => {
    const { ledger } = daemon.runtime;
    const states = async (ids: string[]) => Promise.all(ids.map(async (id) => (await ledger.getOrder(id))?.state));
    const lanes = ORDERS.filter((o) => /SLOW|FAST/.test(o.id)).map((o) => o.id);
    await expect.poll(async () => (await states(lanes)).every((state) => state === 'delivered'), { timeout: 20_000 }).toBe(true);
    await expect.poll(async () => (await ledger.getOrder('PICK-1'))?.stageRank, { timeout: 20_000 }).toBe(3);
    await expect.poll(async () => (await ledger.getOrder('STALL-1'))?.lastEventAt, { timeout: 20_000 }).not.toBeNull();
    // The failed attempt is the latest news of EXC-1: its exception time is its last event's.
    await expect.poll(async () => (await ledger.getOrder('EXC-1'))?.exceptionAt, { timeout: 20_000 }).not.toBeNull();
    const exc = await ledger.getOrder('EXC-1');
    expect(exc?.exceptionAt).toBe(exc?.lastEventAt);
    expect((await ledger.registrationOf('REJ-1'))?.state).toBe('rejected');
  });

  it('needs the admin credentials', async () => {
    const res = await fetch(`${daemon.url}/admin/lanes`);
    expect(res.status).toBe(401);
  });

  it('overview: parcels by stage, each segment linking to its orders, and every needs-attention state', async () => {
    const tab = await context.newPage();
    expect((await tab.goto(`${daemon.url}/admin`))?.status()).toBe(200);
    await expect.poll(() => tab.locator('#attention tbody tr', { hasText: 'bounced' }).count(), { timeout: 20_000, interval: 500 }).toBeGreaterThan(0);
    await tab.reload();
    expect(await tab.locator('#stage-delivered b').innerText()).toBe('6');
    // Beside the funnel: exception, no feed, returned, cancelled.
    expect(await tab.locator('#stages-side li').allInnerTexts()).toEqual([expect.stringMatching(/^exception/), expect.stringMatching(/^no tracking feed/), expect.stringMatching(/^returned/), expect.stringMatching(/^cancelled/)]);
    expect(await tab.locator('#stage-exception b').innerText()).toBe('1');
    const attention = tab.locator('#attention');
    const row = (order: string, reason: string) => attention.locator('tbody tr', { hasText: order }).filter({ hasText: reason });
    expect(await row('RISK-1', 'at risk').count()).toBe(1);
    expect(await row('STALL-1', 'stalled').count()).toBe(1);
    expect(await row('REJ-1', 'registration rejected').count()).toBe(1);
    expect(await row('PICK-1', 'awaiting pickup').count()).toBe(1);
    expect(await row('BOUNCE-1', 'bounced').count()).toBe(1);
    expect(await row('HELD-1', 'review request held').count()).toBe(1);
    expect(await row('PICK-1', 'awaiting pickup').innerText()).toMatch(/\d d to the return date/);
    // Keyboard: the first Tab lands on the navigation, and the stage segments are links in the tab order.
    await tab.keyboard.press('Tab');
    expect(await tab.locator(':focus').innerText()).toBe('Overview');
    await tab.focus('#stage-customs');
    await tab.keyboard.press('Tab');
    expect(await tab.locator(':focus').getAttribute('id')).toBe('stage-post_office');
    await shot(tab, 'overview');
    // A segment is a link to its orders, keeping the filters in the URL.
    await Promise.all([tab.waitForURL(/\/admin\/orders\?stage=delivered/), tab.click('#stage-delivered')]);
    expect(await tab.locator('#orders tbody tr').count()).toBe(6);
    await tab.goto(`${daemon.url}/admin/orders?stage=post_office`);
    expect(await tab.locator('#orders tbody tr').allInnerTexts()).toEqual([expect.stringContaining('PICK-1')]);
    await tab.goto(`${daemon.url}/admin/orders?stage=in_transit&country=ES`);
    const inTransit = (await tab.locator('#orders tbody tr').allInnerTexts()).map((r) => r.split(/\s+/)[0]).sort();
    expect(inTransit).toEqual(['HELD-1', 'STALL-1']);
    // The exception segment lists its order, and no other active stage does.
    await tab.goto(`${daemon.url}/admin`);
    await Promise.all([tab.waitForURL(/\/admin\/orders\?stage=exception/), tab.click('#stage-exception')]);
    expect(await tab.locator('#orders tbody tr').allInnerTexts()).toEqual([expect.stringContaining('EXC-1')]);
    await tab.goto(`${daemon.url}/admin/orders?stage=no_feed&period=90`);
    expect(await tab.locator('#orders tbody tr', { hasText: 'RISK-1' }).count()).toBe(1);
    await tab.close();
  });

  it('needs attention keeps to the carrier and country filters, on the page and in its CSV', async () => {
    const tab = await context.newPage();
    const reasons = async (query: string) => {
      await tab.goto(`${daemon.url}/admin?${query}`);
      return (await tab.locator('#attention tbody tr').allInnerTexts()).map((r) => r.split(/\s+/)[0]);
    };
    // PICK-1 is the only order to the US (stalled and awaiting pickup): nothing of Spain's (RISK-1, STALL-1, REJ-1, BOUNCE-1, HELD-1) is left.
    expect(await reasons('country=US')).toEqual(['PICK-1', 'PICK-1']);
    expect(await tab.locator('#attention-title').innerText()).toContain('for US only');
    expect(await tab.locator('select[name=country] option[selected]').innerText()).toBe('US');
    // DHL's parcels are all delivered: nothing needs the seller for them.
    expect(await reasons('carrier=dhl')).toEqual([]);
    expect(await tab.locator('#attention').innerText()).toContain('nothing needs you right now');
    const spain = await reasons('carrier=china-post&country=ES');
    for (const id of ['RISK-1', 'STALL-1', 'REJ-1', 'BOUNCE-1', 'HELD-1']) expect(spain).toContain(id);
    expect(spain).not.toContain('PICK-1');
    await shot(tab, 'overview-filtered');
    const csv = await (await fetch(`${daemon.url}/admin.csv?table=attention&country=US`, { headers: { authorization: AUTH } })).text();
    expect(csv).toContain('PICK-1');
    expect(csv).not.toContain('STALL-1');
    await tab.close();
  });

  it('lanes: the slow lane stands out by words, colour and sort, with learned and built-in transit', async () => {
    const tab = await context.newPage();
    await tab.goto(`${daemon.url}/admin/lanes`);
    const first = tab.locator('#lanes tbody tr').first();
    expect(await first.innerText()).toMatch(/^slow\s+dhl\s+FR/);
    expect(await first.locator('td').first().getAttribute('class')).toBe('tone-bad');
    expect(await tab.locator('#slow-summary').innerText()).toContain('dhl → FR');
    const de = tab.locator('#lanes tbody tr', { hasText: 'dhl' }).filter({ hasText: 'DE' });
    expect(await de.innerText()).toMatch(/^ok\s+dhl\s+DE/);
    expect(await tab.locator('#lanes svg.spark').count()).toBe(2);
    await shot(tab, 'lanes');
    // Filters are the URL: the form submits to a stable query string.
    await tab.selectOption('select[name=country]', 'FR');
    await Promise.all([tab.waitForURL(/country=FR/), tab.click('form.filters button')]);
    expect(await tab.locator('#lanes tbody tr').count()).toBe(1);
    await tab.close();
  });

  it('letters: sent, skipped by reason and failed, with the charts; the gallery renders a real template at two widths', async () => {
    const tab = await context.newPage();
    await tab.goto(`${daemon.url}/admin/letters`);
    const milestones = await tab.locator('#letters-by-milestone').innerText();
    expect(milestones).toMatch(/shipped/);
    expect(await tab.locator('#sends-chart rect').count()).toBeGreaterThan(0);
    expect(await tab.locator('#letters-by-milestone tbody tr', { hasText: 'shipped' }).innerText()).toMatch(/shipped\s+\d+\s+\d+\s+1/); // BOUNCE-1's letter failed
    expect(await tab.locator('#landing').innerText()).toContain('hard bounce');
    // Are letters landing: the rates of the last 7 days, the thresholds in words, each row's verdict in words.
    expect(await tab.locator('#health-thresholds').innerText()).toMatch(/serious from 5\.00%.*Gmail/);
    const store = tab.locator('#deliverability tbody tr').first();
    expect(await store.innerText()).toMatch(/^acme\s+all\s+\d+\s+\d+\s+\d+\s+\d+\.\d\d%\s+\d+\s+\d+\.\d\d%\s+too few letters to judge/);
    expect(await tab.locator('#deliverability tbody tr', { hasText: 'example.com' }).count()).toBe(1);
    await shot(tab, 'letters');
    await tab.goto(`${daemon.url}/admin/gallery?milestone=customs&locale=es&carrier=china-post&country=ES`);
    expect(await tab.locator('#letter-subject').innerText()).not.toBe('');
    expect(await tab.locator('#letter-desktop').getAttribute('width')).toBe('640');
    expect(await tab.locator('#letter-mobile').getAttribute('width')).toBe('375');
    expect(await tab.frameLocator('#letter-mobile').locator('body').innerText()).toContain('LP00123456789CN');
    await shot(tab, 'gallery');
    await tab.close();
  });

  it('order page: found by email, events and letters on one axis, registration, raw payloads; an action with its CSRF token', async () => {
    const tab = await context.newPage();
    await tab.goto(`${daemon.url}/admin`);
    await tab.fill('#q', 'pick@example.com');
    await Promise.all([tab.waitForURL(/\/admin\/order\?q=pick/), tab.click('#search button')]);
    expect(await tab.locator('#order-title').innerText()).toContain('PICK-1');
    expect(await tab.locator('#registration').innerText()).toContain('17track');
    expect(await tab.locator('#order-axis g.scan').count()).toBeGreaterThan(0);
    expect(await tab.locator('#order-axis g.letter').count()).toBeGreaterThan(0);
    const details = tab.locator('details[id^=payload-]').first();
    expect(await details.locator('pre').isVisible()).toBe(false);
    await details.locator('summary').click();
    expect(await details.locator('pre').innerText()).toContain(tn('PICK-1'));
    // Dates in admin.timezone (Europe/Madrid).
    expect(await tab.locator('header h1').innerText()).toContain('Europe/Madrid');
    await shot(tab, 'order');
    // Each letter links to the gallery, rendered for this very order.
    await Promise.all([tab.waitForURL(/\/admin\/gallery\?.*order=PICK-1/), tab.locator('#timeline a', { hasText: 'post_office' }).click()]);
    expect(await tab.locator('#gallery-title').innerText()).toContain('order PICK-1');
    expect(await tab.frameLocator('#letter-desktop').locator('body').innerText()).toContain(tn('PICK-1'));

    await tab.goto(`${daemon.url}/admin/order?q=STALL-1`);
    await tab.selectOption('form[action="/admin/actions/dispute-open"] select', 'not_received');
    await Promise.all([tab.waitForURL(/done=/), tab.click('form[action="/admin/actions/dispute-open"] button')]);
    expect(await tab.locator('#done').innerText()).toContain('Dispute opened for STALL-1');
    expect(await tab.locator('form[action="/admin/actions/dispute-close"]').count()).toBe(1);
    // Without the token (another site's form), nothing happens.
    const forged = await fetch(`${daemon.url}/admin/actions/cancel`, { method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' }, body: 'orderId=STALL-1&reason=refund' });
    expect(forged.status).toBe(403);
    expect((await daemon.runtime.ledger.getOrder('STALL-1'))?.state).toBe('active');
    const missing = await tab.goto(`${daemon.url}/admin/order?q=${encodeURIComponent('<nope>')}`);
    expect(missing?.status()).toBe(404);
    expect(await tab.locator('#not-found').innerText()).toContain('<nope>');
    await tab.close();
  });

  it('the count tables the triggers kept equal a recount of the ledger after all of it', async () => {
    expect(await daemon.runtime.ledger.dashboardDrift()).toEqual([]);
  });

  it('every table downloads as CSV with the same rows; a bad filter is a 400 naming the fix', async () => {
    const lanes = await fetch(`${daemon.url}/admin/lanes.csv?table=lanes`, { headers: { authorization: AUTH } });
    expect(lanes.status).toBe(200);
    expect(lanes.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await lanes.text()).trim().split('\r\n');
    expect(lines[0]).toBe('verdict,carrier,country,in flight,delivered,learned transit,built-in window,on time,distribution');
    expect(lines[1]).toMatch(/^slow,dhl,FR,/);
    const health = await (await fetch(`${daemon.url}/admin/letters.csv?table=deliverability`, { headers: { authorization: AUTH } })).text();
    expect(health.split('\r\n')[0]).toBe('store,recipients,sent,delivered,bounced,bounce rate,complained,complaint rate,verdict');
    expect(health.split('\r\n')[1]).toMatch(/^acme,all,\d+,/);
    const attention = await (await fetch(`${daemon.url}/admin.csv?table=attention`, { headers: { authorization: AUTH } })).text();
    expect(attention).toContain('BOUNCE-1');
    const bad = await fetch(`${daemon.url}/admin/lanes?country=UK&period=5`, { headers: { authorization: AUTH } });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('not an ISO 3166-1 alpha-2 code');
    expect(text).toContain('must be one of 7, 30, 90');
  });
});
