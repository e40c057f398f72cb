import { AMERICAS_NOTES } from './customs-notes/americas.js';
import { ASIA_PACIFIC_GULF_NOTES } from './customs-notes/asia-pacific-gulf.js';
import { EU_NOTES } from './customs-notes/eu.js';
import { OTHER_EUROPE_NOTES } from './customs-notes/europe-other.js';
import type { CustomsNoteData } from './customs-notes/shared.js';

export type { CustomsNoteData } from './customs-notes/shared.js';
export { NOTE_LANGUAGES } from './customs-notes/shared.js';

/**
 * Customs notes shown to buyers, as data: rules change often, so each note
 * carries its source and the date someone last checked it (as of 2026-12-01).
 * Correct a note in its region's file under customs-notes/ (or pass your own list
 * to `customsNotesFor`) without touching a template; `templates check` reports notes
 * whose `lastChecked` is missing or older than 180 days.
 */
export const CUSTOMS_NOTES: readonly CustomsNoteData[] = [...EU_NOTES, ...AMERICAS_NOTES, ...OTHER_EUROPE_NOTES, ...ASIA_PACIFIC_GULF_NOTES];
