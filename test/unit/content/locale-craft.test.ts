import { DateTime } from 'luxon';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../../src/domain/order.js';
import { DEFAULT_PROFILE } from '../../../src/domain/profile.js';
import { buildContext } from '../../../src/mail/context.js';
import { helpers } from '../../../src/mail/helpers.js';
import { isolateRtlText, renderMessage } from '../../../src/mail/render.js';
import { TemplateSet } from '../../../src/mail/templates.js';
import { variantsFor } from '../../../src/mail/reply-samples.js';
import { MILESTONES } from '../../../src/domain/milestones.js';

const hb = Handlebars.create();
for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn as Handlebars.HelperDelegate);
const fmt = (source: string, locale: string, data: Record<string, string>) =>
  hb.compile(source)({ ...data, buyer: { locale, timezone: 'Europe/Paris' } });
const templates = new TemplateSet();
const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

function letter(locale: string, country: string, zone: string, milestone: 'shipped' | 'day1' | 'day14', name = 'Alex Kim') {
  const order: Order = {
    orderId: 'AE-1', store: 'acme', buyerName: name, buyerEmail: 'b@example.com', buyerLocale: locale, buyerTimezone: zone, country,
    carrier: 'china-post', trackingNumber: 'RR123456785CN', shippedAt: utc('2026-11-20T08:30:00Z'), state: 'active',
  };
  return renderMessage(templates, milestone, buildContext({ order, milestone, profile: DEFAULT_PROFILE, store: { name: 'Acme' } }));
}

describe('dates as a native writer puts them', () => {
  const first = { a: '2026-12-01', b: '2026-12-11' };
  it('fr: "1er", and spans with du ... au', () => {
    expect(fmt('{{date a "long" lang="fr"}}', 'fr', first)).toBe('1er décembre 2026');
    expect(fmt('{{dateRange a b lang="fr"}}', 'fr', first)).toBe('du 1er au 11 décembre 2026');
    expect(fmt('{{dateRange a b lang="fr"}}', 'fr', { a: '2026-11-28', b: '2027-01-05' })).toBe('du 28 novembre 2026 au 5 janvier 2027');
  });
  it('it: "1°", dal ... al (dall’8 all’11), no zero-padded day', () => {
    expect(fmt('{{date a "long" lang="it"}}', 'it', first)).toBe('1° dicembre 2026');
    expect(fmt('{{dateRange a b lang="it"}}', 'it', { a: '2026-12-09', b: '2026-12-25' })).toBe('dal 9 al 25 dicembre 2026');
    expect(fmt('{{dateRange a b lang="it"}}', 'it', { a: '2026-12-08', b: '2026-12-11' })).toBe('dall’8 all’11 dicembre 2026');
    expect(fmt('{{dateRange a b lang="it"}}', 'it', { a: '2026-12-04', b: '2026-12-22' })).not.toMatch(/\b0\d/);
  });
  it('pt-BR "1º de dezembro", pt-PT keeps "1 de dezembro"; pl "r." after the year', () => {
    expect(fmt('{{date a "long" lang="pt"}}', 'pt-BR', first)).toBe('1º de dezembro de 2026');
    expect(fmt('{{date a "long" lang="pt"}}', 'pt-PT', first)).toBe('1 de dezembro de 2026');
    expect(fmt('{{date a "long" lang="pl"}}', 'pl', first)).toBe('1 grudnia 2026 r.');
    expect(fmt('{{date a "datetime" lang="pl"}}', 'pl', { a: '2026-11-20T09:00:00Z' })).toBe('20 listopada 2026 r., godz. 10:00');
    expect(fmt('{{dateRange a b lang="pl"}}', 'pl', { a: '2026-12-28', b: '2027-01-05' })).toMatch(/^28 grudnia 2026 r\.\s–\s5 stycznia 2027 r\.$/);
  });
});

describe('letters in the older locales', () => {
  it('fr: no-break space before : ; ! ? and one apostrophe style in every fr letter and variant', () => {
    const order = { shippedAt: utc('2026-11-20T08:30:00Z') };
    for (const milestone of MILESTONES) {
      for (const variant of variantsFor(milestone, order)) {
        const o: Order = {
          orderId: 'AE-1', store: 'acme', buyerName: 'Alex Kim', buyerEmail: 'b@example.com', buyerLocale: 'fr', buyerTimezone: 'Europe/Paris', country: 'FR',
          carrier: 'china-post', trackingNumber: 'RR123456785CN', shippedAt: order.shippedAt, state: 'active',
        };
        const context = buildContext({ order: o, milestone, profile: DEFAULT_PROFILE, store: { name: 'Acme', ...variant.store }, reply: variant.reply });
        const { text, subject, html } = renderMessage(templates, milestone, context);
        const prose = (text + subject + html.replace(/<[^>]+>/g, ' ')).replace(/https?:\/\/\S+/g, '');
        expect(prose, milestone).not.toMatch(/[^\s] [:;!?]/);
        expect(prose, milestone).not.toMatch(/[A-Za-zÀ-ÿ]'[A-Za-zÀ-ÿ]/);
      }
    }
  });
  it('de: lower case after "Hallo Alex," and Arbeitstage for Monday-to-Friday counts', () => {
    const { text } = letter('de', 'DE', 'Europe/Berlin', 'shipped');
    expect(text).toMatch(/^Hallo Alex,\n\nvielen Dank für Ihren Einkauf bei Acme!/);
    expect(text).toContain('Arbeitstage');
    expect(text).not.toMatch(/Werktag/);
  });
  it('ru, ko, ja greet with the full name (a surname-first name is never cut to the surname)', () => {
    expect(letter('ru', 'RU', 'Europe/Moscow', 'day1', 'Иванов Пётр').text).toMatch(/^Здравствуйте, Иванов Пётр!/);
    expect(letter('ko', 'KR', 'Asia/Seoul', 'day1', '김 민준').text).toMatch(/^김 민준 고객님/);
    expect(letter('ja', 'JP', 'Asia/Tokyo', 'day1', '山田 太郎').text).toMatch(/^山田 太郎 様/);
  });
  it('pl: "r." after the year, never "r.." at a sentence end; "z zamówieniem"', () => {
    const { text, html } = letter('pl', 'PL', 'Europe/Warsaw', 'shipped');
    expect(text).toContain('20 listopada 2026 r.');
    expect(text + html).not.toMatch(/r\.(<\/[a-z]+>)*\./);
  });
  it('the 17TRACK link opens in the buyer\'s language', () => {
    expect(letter('de', 'DE', 'Europe/Berlin', 'shipped').text).toContain('https://t.17track.net/de#nums=RR123456785CN');
    expect(letter('pt-BR', 'BR', 'America/Sao_Paulo', 'shipped').text).toContain('https://t.17track.net/pt#nums=');
    expect(letter('he', 'IL', 'Asia/Jerusalem', 'shipped').text).toContain('https://t.17track.net/he#nums=RR123456785CN');
  });
});

describe('right-to-left plain text', () => {
  it('every line of a he/ar text part starts with RLM; names and numbers are isolated; links stay whole', () => {
    for (const [locale, country, zone] of [['he', 'IL', 'Asia/Jerusalem'], ['ar', 'SA', 'Asia/Riyadh']]) {
      const { text } = letter(locale, country, zone, 'shipped');
      for (const line of text.split('\n').filter((l) => l.trim())) expect(line.startsWith('\u200F'), `${locale}: ${line}`).toBe(true);
      expect(text).toContain('\u2066RR123456785CN\u2069');
      expect(text).toContain('\u2066China Post Registered Air Mail\u2069');
      expect(text).toMatch(/https:\/\/t\.17track\.net\/\w+#nums=RR123456785CN(\s|$)/);
    }
  });
  it('a number before a bracket is its own run; the bracket stays neutral', () => {
    expect(isolateRtlText('מועד: 10–31 בדצמבר 2026 (15–30 ימים)')).toBe('\u200Fמועד: \u206610–31\u2069 בדצמבר \u20662026\u2069 (\u206615–30\u2069 ימים)');
    expect(isolateRtlText('שלחו ל-care@acme.example')).toBe('\u200Fשלחו ל-care@acme.example');
  });
  it('other languages get no marks', () => {
    expect(letter('en', 'US', 'America/New_York', 'shipped').text).not.toMatch(/[\u200F\u2066-\u2069]/);
  });
});
