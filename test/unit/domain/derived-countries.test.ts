import { describe, expect, it } from 'vitest';
import { countryInfo, COUNTRIES, derivedCountryInfo } from '../../../src/domain/countries.js';

describe('countries outside the built-in table get their defaults from CLDR through Intl', () => {
  it('takes the likely language, the main zone and the weekend', () => {
    expect(countryInfo('AR')).toMatchObject({ locale: 'es-AR', timezone: 'America/Argentina/Buenos_Aires', weekend: [6, 7] });
    expect(countryInfo('KZ')).toMatchObject({ locale: 'ru-KZ', timezone: 'Asia/Almaty' });
    expect(countryInfo('EG')).toMatchObject({ locale: 'ar-EG', timezone: 'Africa/Cairo', weekend: [5, 6] });
    expect(countryInfo('TW')).toMatchObject({ locale: 'zh-TW', timezone: 'Asia/Taipei' });
    expect(countryInfo('AT')).toMatchObject({ locale: 'de-AT', timezone: 'Europe/Vienna', eu: true });
    expect(countryInfo('IN').weekend).toEqual([7]);
  });

  it('keeps the table first: Belgium is nl-BE, Portugal pt-PT', () => {
    expect(countryInfo('BE').locale).toBe('nl-BE');
    expect(countryInfo('PT').locale).toBe('pt-PT');
    // The table agrees with CLDR on every language it lists (the table only picks the zone and the variant).
    for (const [code, info] of COUNTRIES) expect(derivedCountryInfo(code).locale.split('-')[0], code).toBe(info.locale.split('-')[0]);
  });

  it('falls back to English, UTC and Saturday–Sunday only where ICU knows nothing', () => {
    expect(countryInfo('XK')).toMatchObject({ locale: 'sq-XK', timezone: 'Europe/Belgrade' });
    expect(derivedCountryInfo('ZZ')).toMatchObject({ locale: 'en', timezone: 'UTC', weekend: [6, 7] });
  });
});
