import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { helpers } from '../../../src/mail/helpers.js';

const hbs = Handlebars.create();
hbs.registerHelper(helpers);
const render = (source: string, locale: string, extra: object = {}) =>
  hbs.compile(source, { strict: true })({ buyer: { locale, timezone: 'Europe/Moscow' }, ...extra });

describe('helpers', () => {
  it('formats in the buyer locale when it is the template language, else in the template language', () => {
    const src = '{{date d "long" lang="en"}}';
    expect(render(src, 'en-GB', { d: '2026-11-20T08:30:00Z' })).toBe('20 November 2026');
    expect(render(src, 'ar', { d: '2026-11-20T08:30:00Z' })).toBe('November 20, 2026');
    expect(render('{{date d "long"}}', 'ru', { d: '2026-11-20T08:30:00Z' })).toBe('20 ноября 2026 г.');
  });

  it('picks plural forms for ranges of business days', () => {
    const ru = '{{pluralRange a b one="рабочий день" few="рабочих дня" many="рабочих дней" other="рабочего дня" lang="ru"}}';
    expect(render(ru, 'ru', { a: 10, b: 20 })).toBe('рабочих дней');
    expect(render(ru, 'ru', { a: 12, b: 22 })).toBe('рабочих дня');
    const pl = '{{pluralRange a b one="dzień roboczy" few="dni robocze" many="dni roboczych" other="dnia roboczego" lang="pl"}}';
    expect(render(pl, 'pl', { a: 10, b: 22 })).toBe('dni robocze');
    expect(render(pl, 'pl', { a: 10, b: 25 })).toBe('dni roboczych');
  });

  it('keeps signature line breaks and escapes them', () => {
    expect(render('{{nl2br s}}', 'en', { s: 'Lily <b>\nAcme' })).toBe('Lily &lt;b&gt;<br>Acme');
  });

  it('spells the month in Japanese and Czech date ranges, leaving out what the two dates share', () => {
    const range = (l: string, a: string, b: string) => render(`{{dateRange a b lang="${l}"}}`, l, { a, b });
    expect(range('ja', '2026-12-01', '2026-12-11')).toBe('2026年12月1日～11日');
    expect(range('ja', '2026-11-28', '2026-12-11')).toBe('2026年11月28日～12月11日');
    expect(range('ja', '2026-12-28', '2027-01-11')).toBe('2026年12月28日～2027年1月11日');
    expect(range('cs', '2026-12-01', '2026-12-11')).toBe('1.–11. prosince 2026');
    expect(range('cs', '2026-11-28', '2026-12-11')).toBe('28. listopadu – 11. prosince 2026');
    expect(range('cs', '2026-12-28', '2027-01-11')).toBe('28. prosince 2026 – 11. ledna 2027');
    expect(range('ko', '2026-12-01', '2026-12-11')).toBe('2026년 12월 1일~11일');
  });

  it('names countries in the template language', () => {
    expect(render('{{countryName c lang="de"}}', 'de', { c: 'US' })).toBe('Vereinigte Staaten');
  });
});
