import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Order } from '../../src/domain/order.js';
import { parcelFacts } from '../../src/domain/parcel.js';
import { DEFAULT_PROFILE } from '../../src/domain/profile.js';
import { buildContext } from '../../src/mail/context.js';
import { renderMessage } from '../../src/mail/render.js';
import { TemplateSet } from '../../src/mail/templates.js';

/** Where the screenshots go (CI can keep them): POSTSHIP_SCREENSHOT_DIR, else the system temp dir. */
export const rtlScreenshot = (locale: string) => join(process.env.POSTSHIP_SCREENSHOT_DIR ?? tmpdir(), `postship-day14-${locale}.png`);
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

/** The day14 letter for a parcel still travelling, at customs in a named place, with a named store (so every isolated value shows). */
function day14(locale: string, country: string, zone: string, place: string) {
  const order: Order = {
    orderId: 'AE-1042', store: 'acme', buyerName: 'Alex Kim', buyerEmail: 'b@example.com', buyerLocale: locale, buyerTimezone: zone,
    country, carrier: 'cainiao', trackingNumber: 'LP00123456789CN', shippedAt: utc('2026-11-20T08:30:00Z'), state: 'active',
  };
  const parcel = parcelFacts({
    scans: [{ kind: 'customs', providerStatus: null, at: utc('2026-11-29T10:00:00Z').toMillis(), place, country: null, message: null }],
    destination: country,
  });
  const context = buildContext({
    order, milestone: 'day14', profile: DEFAULT_PROFILE, parcel, momentAt: utc('2026-12-04T09:00:00Z'),
    store: { name: 'Acme Home', replyTo: 'Acme Care <care@acme.example>' },
  });
  return renderMessage(new TemplateSet(), 'day14', context);
}

describe('right-to-left letters in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: inject('browserPath'), args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['he', 'IL', 'Asia/Jerusalem', 'Ben Gurion Airport'],
    ['ar', 'SA', 'Asia/Riyadh', 'Riyadh KKIA'],
  ])('the %s day14 letter reads right to left, with names and numbers isolated', async (locale, country, zone, place) => {
    const message = day14(locale, country, zone, place);
    expect(message.template).toBe(`templates/${locale}/day14`);
    const tab = await browser.newPage({ viewport: { width: 700, height: 900 } });
    await tab.setContent(message.html, { waitUntil: 'load' });
    const layout = await tab.evaluate(() => {
      const card = document.querySelector('table[style*="max-width:600px"]') as HTMLElement;
      const paragraphs = [...card.querySelectorAll('p')].filter((p) => (p.textContent ?? '').trim().length > 0);
      // Where each paragraph's text actually ends up: its first line starts at the right edge in RTL.
      const edges = paragraphs.map((p) => {
        const range = document.createRange();
        range.selectNodeContents(p);
        const first = range.getClientRects()[0];
        const box = p.getBoundingClientRect();
        return { right: box.right - first.right, left: first.left - box.left };
      });
      return {
        htmlDir: document.documentElement.dir,
        direction: getComputedStyle(paragraphs[0]).direction,
        edges,
        isolated: [...card.querySelectorAll('bdi')].map((b) => b.textContent),
      };
    });
    await tab.screenshot({ path: rtlScreenshot(locale), fullPage: true });
    await tab.close();
    expect(layout.htmlDir).toBe('rtl');
    expect(layout.direction).toBe('rtl');
    // Every paragraph's first line is flush with the right edge (mirrored alignment), not the left.
    for (const edge of layout.edges) {
      expect(edge.right).toBeLessThan(2);
      expect(edge.left).toBeGreaterThanOrEqual(0);
    }
    expect(layout.edges.some((e) => e.left > 40)).toBe(true);
    expect(layout.isolated).toEqual(expect.arrayContaining(['Acme Home', 'AE-1042', 'LP00123456789CN', 'AliExpress Standard Shipping (Cainiao)', place]));
  });
});
