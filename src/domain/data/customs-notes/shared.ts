import type { Milestone } from '../../milestones.js';

/**
 * A customs note shown to buyers, as data: rules change often, so each note
 * carries its source and the date someone last checked it.
 *
 * - `countries`: ISO 3166-1 alpha-2 codes, or 'EU' for every EU member state.
 * - `milestones`: the messages that show it.
 * - `validFrom` (inclusive) / `validUntil` (exclusive): ISO dates compared with
 *   the parcel's arrival (the tracking event, else the start of the expected window).
 * - `text`: language (BCP 47 primary subtag, or a full tag such as `pt-PT`) -> text;
 *   `en` is required and is the fallback. Every built-in note has all 18 letter languages.
 */
export interface CustomsNoteData {
  id: string;
  countries: readonly string[] | 'EU';
  milestones: readonly Milestone[];
  validFrom?: string;
  validUntil?: string;
  text: Readonly<Record<string, string>>;
  source: string;
  /** ISO date a person last checked the text against the source; null = not yet checked (reported by checkTemplates). */
  lastChecked: string | null;
}

export const SHIPPED_AND_CUSTOMS: readonly Milestone[] = ['shipped', 'customs'];

/** The languages every built-in note is written in (the letters' languages; `pt` is Brazilian). */
export const NOTE_LANGUAGES = ['en', 'es', 'fr', 'pt', 'pt-PT', 'de', 'it', 'pl', 'ru', 'nl', 'tr', 'ko', 'ja', 'uk', 'cs', 'sv', 'he', 'ar'] as const;
