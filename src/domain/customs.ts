import { EU_MEMBERS } from './countries.js';
import { CUSTOMS_NOTES, type CustomsNoteData } from './data/customs-notes.js';
import type { Milestone } from './milestones.js';

export type { CustomsNoteData } from './data/customs-notes.js';
export { CUSTOMS_NOTES } from './data/customs-notes.js';

/** A note as a template sees it: the text already in the buyer's language. */
export interface CustomsNote {
  id: string;
  text: string;
  /** The language the text is in (may be `en` when the buyer's is missing). */
  lang: string;
  source: string;
  lastChecked: string | null;
}

export interface CustomsQuery {
  country: string;
  milestone: Milestone;
  /** BCP 47, e.g. `pt-BR`; the text falls back to the primary language, then `en`. */
  locale: string;
  /** ISO date (yyyy-mm-dd) the parcel arrives or is expected to: picks rules in force then. */
  arrival: string;
}

function appliesTo(note: CustomsNoteData, country: string): boolean {
  return note.countries === 'EU' ? EU_MEMBERS.has(country) : note.countries.includes(country);
}

function inForce(note: CustomsNoteData, day: string): boolean {
  return (!note.validFrom || day >= note.validFrom) && (!note.validUntil || day < note.validUntil);
}

/** The text for a locale: exact tag, then language, then English. */
export function noteText(note: CustomsNoteData, locale: string): { text: string; lang: string } {
  const language = locale.split('-')[0].toLowerCase();
  for (const lang of [locale, language, 'en']) {
    const text = note.text[lang];
    if (text) return { text, lang };
  }
  return { text: '', lang: 'en' };
}

/** The customs notes for one message, in data order; an empty list when none applies. */
export function customsNotesFor(query: CustomsQuery, notes: readonly CustomsNoteData[] = CUSTOMS_NOTES): CustomsNote[] {
  return notes
    .filter((n) => appliesTo(n, query.country) && n.milestones.includes(query.milestone) && inForce(n, query.arrival))
    .map((n) => ({ id: n.id, ...noteText(n, query.locale), source: n.source, lastChecked: n.lastChecked }));
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Every problem in a list of notes (path and fix), for `templates check` and config loading. */
export function validateCustomsNotes(notes: readonly CustomsNoteData[] = CUSTOMS_NOTES): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  notes.forEach((n, i) => {
    const at = `customs note [${i}] "${n.id}"`;
    if (seen.has(n.id)) problems.push(`${at}: duplicate id`);
    seen.add(n.id);
    if (!n.text.en?.trim()) problems.push(`${at}: text.en is required (it is the fallback for every language)`);
    if (!n.source.trim()) problems.push(`${at}: source is required (where the rule is published)`);
    for (const [field, value] of [['validFrom', n.validFrom], ['validUntil', n.validUntil], ['lastChecked', n.lastChecked]] as const) {
      if (value && !ISO_DAY.test(value)) problems.push(`${at}: ${field} ${JSON.stringify(value)} is not an ISO date (yyyy-mm-dd)`);
    }
    if (n.countries !== 'EU' && n.countries.some((c) => !/^[A-Z]{2}$/.test(c))) {
      problems.push(`${at}: countries must be ISO 3166-1 alpha-2 codes or "EU"`);
    }
  });
  return problems;
}

/** Notes nobody has checked against their source yet (lastChecked null), or checked before `before`. */
export function staleCustomsNotes(before: string, notes: readonly CustomsNoteData[] = CUSTOMS_NOTES): CustomsNoteData[] {
  return notes.filter((n) => n.lastChecked === null || n.lastChecked < before);
}
