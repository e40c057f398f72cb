import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { CARRIERS, findCarrier, findCarrierBySeventeenTrack } from '../../../src/domain/carriers.js';
import { COUNTRIES } from '../../../src/domain/countries.js';
import { CUSTOMS_NOTES, customsNotesFor, staleCustomsNotes, validateCustomsNotes } from '../../../src/domain/customs.js';
import { TRANSIT_TABLE } from '../../../src/domain/data/transit-table.js';
import { NOTE_LANGUAGES } from '../../../src/domain/data/customs-notes.js';
import { addBusinessDays, transitFor } from '../../../src/domain/transit.js';
import { bareAddress } from '../../../src/mail/context.js';

const ISSUE_COUNTRIES = 'US RU BR ES FR DE GB PL IT NL IL UA KR CA AU MX CL SA AE TR BE PT SE CZ JP'.split(' ');

describe('countries and carriers', () => {
  it('knows the 25 destinations of issue 5 with a locale, a zone and a weekend', () => {
    for (const code of ISSUE_COUNTRIES) {
      const info = COUNTRIES.get(code);
      expect(info, code).toBeDefined();
      expect(info?.weekend).toHaveLength(2);
    }
    expect(COUNTRIES.get('BR')?.locale).toBe('pt-BR');
    expect(COUNTRIES.get('ES')?.eu).toBe(true);
    expect(COUNTRIES.get('GB')?.eu).toBe(false);
  });

  it('matches carriers by alias and by 17TRACK code', () => {
    expect(findCarrier('ePacket')?.code).toBe('china-ems');
    expect(findCarrier('AliExpress Standard')?.code).toBe('cainiao');
    expect(findCarrierBySeventeenTrack(190271)?.code).toBe('cainiao');
    // Ten carriers, and `other` for a store platform's carrier we have no code for.
    expect(CARRIERS).toHaveLength(11);
    expect(findCarrier('other')).toMatchObject({ class: 'postal', seventeenTrack: null });
  });
});

describe('transit table', () => {
  it('has a row with a basis for every class in every issue country', () => {
    for (const code of ISSUE_COUNTRIES) {
      for (const cls of ['postal', 'economy', 'express'] as const) {
        const row = TRANSIT_TABLE[code]?.[cls];
        expect(row, `${code} ${cls}`).toBeDefined();
        expect(row!.min).toBeLessThan(row!.max);
        expect(row!.basis.length).toBeGreaterThan(5);
      }
    }
  });

  it("economy windows on long lanes follow what AliExpress tells buyers (15-45 days), not 8-15 business days", () => {
    for (const code of ['US', 'CA', 'AU', 'IL', 'SA', 'AE', 'TR', 'MX', 'CL']) {
      const row = TRANSIT_TABLE[code]!.economy!;
      expect(row.max, code).toBeGreaterThanOrEqual(28);
      expect(row.basis, code).toMatch(/^\[aliexpress\]/);
    }
  });

  it('falls back to the class default for other countries, saying so', () => {
    expect(transitFor('postal', 'BR')).toMatchObject({ min: 20, max: 40, basis: 'table' });
    expect(transitFor('postal', 'NZ')).toMatchObject({ min: 15, max: 30, basis: 'class' });
  });

  it('adds business days skipping the destination weekend, across DST', () => {
    const fri = DateTime.fromISO('2026-10-23T10:00', { zone: 'Europe/Madrid' });
    expect(addBusinessDays(fri, 1, [6, 7]).toISODate()).toBe('2026-10-26');
    expect(addBusinessDays(fri, 5, [6, 7]).toISO()).toBe('2026-10-30T10:00:00.000+01:00');
    const thu = DateTime.fromISO('2026-10-22T10:00', { zone: 'Asia/Riyadh' });
    expect(addBusinessDays(thu, 1, [5, 6]).toISODate()).toBe('2026-10-25');
  });
});

describe('customs notes', () => {
  it('are valid and each has a source', () => {
    expect(validateCustomsNotes()).toEqual([]);
  });

  it('lists the notes nobody has checked against their source yet', () => {
    expect(staleCustomsNotes('2026-01-01').map((n) => n.id)).toEqual(['au-gst-at-sale']);
  });

  it('picks the EU note in force when the parcel arrives', () => {
    const at = (arrival: string) => customsNotesFor({ country: 'DE', milestone: 'customs', locale: 'de', arrival }).map((n) => n.id);
    expect(at('2026-06-30')).toEqual(['eu-ioss']);
    expect(at('2026-07-01')).toEqual(['eu-low-value-duty']);
  });

  it('gives the text in the buyer language, else the language, else English', () => {
    const br = customsNotesFor({ country: 'BR', milestone: 'shipped', locale: 'pt-BR', arrival: '2026-12-01' });
    expect(br[0]).toMatchObject({ id: 'br-cpf', lang: 'pt' });
    const tr = customsNotesFor({ country: 'TR', milestone: 'customs', locale: 'tr', arrival: '2026-12-01' });
    expect(tr[0]).toMatchObject({ id: 'tr-regular-declaration', lang: 'tr' });
    expect(tr[0].text).toContain('normal gümrük beyannamesiyle');
    expect(customsNotesFor({ country: 'TR', milestone: 'customs', locale: 'tr', arrival: '2026-01-15' })).toEqual([]);
  });

  it('every note is written in all 18 letter languages, each with a source and a check date or null', () => {
    for (const note of CUSTOMS_NOTES) {
      expect(Object.keys(note.text).sort(), note.id).toEqual([...NOTE_LANGUAGES].sort());
      for (const [lang, text] of Object.entries(note.text)) expect(text.trim().length, `${note.id} ${lang}`).toBeGreaterThan(40);
    }
  });

  it('as of 2026-12-01: France and Italy add their own fee beside the EU duty, which ends 2028-07-01; Spain has the Canary Islands note', () => {
    const ids = (country: string, arrival: string) => customsNotesFor({ country, milestone: 'shipped', locale: 'fr', arrival }).map((n) => n.id);
    expect(ids('FR', '2026-12-01')).toEqual(['eu-low-value-duty', 'fr-small-parcel-tax']);
    expect(ids('FR', '2026-02-15')).toEqual(['eu-ioss']);
    expect(ids('IT', '2026-12-01')).toEqual(['eu-low-value-duty', 'it-consignment-fee']);
    expect(ids('ES', '2026-12-01')).toEqual(['eu-low-value-duty', 'es-canary-ceuta-melilla']);
    expect(ids('DE', '2028-07-01')).toEqual([]);
    expect(ids('MC', '2026-12-01')).toEqual(['fr-small-parcel-tax']);
  });

  it('Russia switches to the EAEU marketplace regime on 2026-07-01; Chile, Ukraine, Saudi Arabia and the UAE have notes; Mexico and Israel none', () => {
    const ids = (country: string, arrival: string) => customsNotesFor({ country, milestone: 'customs', locale: 'ru', arrival }).map((n) => n.id);
    expect(ids('RU', '2026-06-30')).toEqual(['ru-eur200']);
    expect(ids('RU', '2026-07-01')).toEqual(['eaeu-marketplace-2026']);
    expect(ids('KZ', '2026-12-01')).toEqual(['eaeu-marketplace-2026']);
    for (const [country, id] of [['CL', 'cl-iva'], ['UA', 'ua-eur150'], ['SA', 'sa-vat'], ['AE', 'ae-vat']]) expect(ids(country, '2026-12-01')).toEqual([id]);
    expect(ids('MX', '2026-12-01')).toEqual([]);
    expect(ids('IL', '2026-12-01')).toEqual([]);
  });

  it('French notes use one apostrophe and no-break spaces before : ; ! ?', () => {
    for (const note of CUSTOMS_NOTES) {
      expect(note.text.fr, note.id).not.toMatch(/'| [:;!?]/);
    }
  });

  it('only shows notes on the milestones the data names', () => {
    expect(customsNotesFor({ country: 'BR', milestone: 'day14', locale: 'pt', arrival: '2026-12-01' })).toEqual([]);
    expect(CUSTOMS_NOTES.every((n) => n.text.en)).toBe(true);
  });
});

describe('context helpers', () => {
  it('takes the bare address out of a reply-to', () => {
    expect(bareAddress('Acme Care <care@acme.example>')).toBe('care@acme.example');
    expect(bareAddress('care@acme.example')).toBe('care@acme.example');
    expect(bareAddress(undefined)).toBeNull();
  });
});
