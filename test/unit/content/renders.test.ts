import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Milestone } from '../../../src/domain/milestones.js';
import type { Order } from '../../../src/domain/order.js';
import { DEFAULT_PROFILE, type StoreIdentity } from '../../../src/domain/profile.js';
import { buildContext } from '../../../src/mail/context.js';
import { renderMessage } from '../../../src/mail/render.js';
import { TemplateSet } from '../../../src/mail/templates.js';

const templates = new TemplateSet();
const ACME: StoreIdentity = { name: 'Acme Gadgets', signature: 'Lily Chen\nAcme Gadgets customer care', replyTo: 'Acme Care <care@acme.example>' };

interface Case {
  name: string;
  milestone: Milestone;
  locale: string;
  country: string;
  zone: string;
  carrier: string;
  buyer?: string;
  shippedAt?: string;
  eventAt?: string;
  store?: StoreIdentity;
}

/** Every date is fixed: context and helpers never read the clock. */
function render(c: Case): string {
  const order: Order = {
    orderId: 'AE-8123456', store: c.store ? 'acme' : 'default', buyerName: c.buyer ?? 'María José García',
    buyerEmail: 'buyer@example.com', buyerLocale: c.locale, buyerTimezone: c.zone, country: c.country, carrier: c.carrier,
    trackingNumber: 'LP00123456789CN', shippedAt: DateTime.fromISO(c.shippedAt ?? '2026-11-20T08:30:00Z', { zone: 'utc' }), state: 'active',
  };
  const eventAt = c.eventAt ? DateTime.fromISO(c.eventAt, { zone: 'utc' }) : null;
  const context = buildContext({ order, milestone: c.milestone, profile: DEFAULT_PROFILE, store: c.store, eventAt });
  const m = renderMessage(templates, c.milestone, context);
  return `Template: ${m.template} (${m.locale})\nSubject: ${m.subject}\n\n----- text -----\n${m.text}\n----- html -----\n${m.html}`;
}

const CASES: Case[] = [
  { name: 'es-ES-china-post-customs', milestone: 'customs', locale: 'es', country: 'ES', zone: 'Europe/Madrid', carrier: 'china-post', eventAt: '2026-12-01T10:00:00Z', store: ACME },
  { name: 'pt-BR-cainiao-shipped', milestone: 'shipped', locale: 'pt-BR', country: 'BR', zone: 'America/Sao_Paulo', carrier: 'aliexpress-standard', buyer: 'João Silva' },
  { name: 'ru-RU-china-ems-day14', milestone: 'day14', locale: 'ru', country: 'RU', zone: 'Europe/Moscow', carrier: 'epacket', buyer: 'Ольга Иванова' },
  { name: 'en-US-dhl-shipped', milestone: 'shipped', locale: 'en-US', country: 'US', zone: 'America/Los_Angeles', carrier: 'dhl', buyer: 'Sam Lee', store: ACME },
  { name: 'de-DE-yunexpress-post-office', milestone: 'post_office', locale: 'de', country: 'DE', zone: 'Europe/Berlin', carrier: 'yunexpress', buyer: 'Jonas Weber', eventAt: '2026-12-03T07:15:00Z' },
  { name: 'fr-FR-4px-day1-eu-before-july-2026', milestone: 'day1', locale: 'fr', country: 'FR', zone: 'Europe/Paris', carrier: '4px', buyer: '', shippedAt: '2026-03-10T08:30:00Z', store: ACME },
  { name: 'pl-PL-yanwen-customs-late', milestone: 'customs', locale: 'pl', country: 'PL', zone: 'Europe/Warsaw', carrier: 'yanwen', buyer: 'Anna Nowak', eventAt: '2026-12-28T09:00:00Z' },
  { name: 'it-IT-sf-express-day14-late', milestone: 'day14', locale: 'it', country: 'IT', zone: 'Europe/Rome', carrier: 'sf-express', buyer: 'Giulia Rossi' },
  // Finnish has no templates: the English ones, with English dates.
  { name: 'fi-FI-china-post-shipped-en-fallback', milestone: 'shipped', locale: 'fi', country: 'FI', zone: 'Europe/Helsinki', carrier: 'china-post', buyer: 'Aino' },
  // Right to left: dir="rtl" on html, body and the card; the store, order id, carrier and tracking number in <bdi>.
  { name: 'ar-AE-china-post-shipped-rtl', milestone: 'shipped', locale: 'ar', country: 'AE', zone: 'Asia/Dubai', carrier: 'china-post', buyer: 'Omar', store: ACME },
];

describe('representative renders', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      await expect(render(c)).toMatchFileSnapshot(`__snapshots__/${c.name}.txt`);
    });
  }

  it('BR shipped mentions the CPF and Minhas Importações in Portuguese', () => {
    const out = render(CASES[1]);
    expect(out).toContain('CPF');
    expect(out).toContain('Minhas Importações');
    expect(out).toContain('<html lang="pt">');
  });

  it('an English fallback formats dates in English, not in the buyer locale', () => {
    const out = render(CASES[8]);
    expect(out).toContain('<html lang="en">');
    expect(out).toMatch(/November 20, 2026/);
  });

  it('the reply-to address and the signature appear in HTML and text', () => {
    const out = render(CASES[0]);
    expect(out).toContain('mailto:care@acme.example');
    expect(out).toContain('Lily Chen<br>Acme Gadgets customer care');
    expect(out).toContain('¿Alguna pregunta? Escríbanos a care@acme.example');
  });
});
