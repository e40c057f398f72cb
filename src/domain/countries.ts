/**
 * Destination countries postship knows well: default buyer locale (BCP 47),
 * default IANA zone (the most populous one; buyers elsewhere pass their own),
 * and weekend days (ISO weekday numbers, 1 = Monday) for business-day maths.
 * Any other valid ISO 3166-1 alpha-2 code gets them from CLDR through Intl (derivedCountryInfo).
 */
export interface CountryInfo {
  code: string;
  name: string;
  locale: string;
  timezone: string;
  weekend: readonly number[];
  /** In the EU customs union (IOSS VAT, the EU low-value parcel duty). */
  eu: boolean;
}

/** EU member states (ISO 3166-1 alpha-2), for customs notes that apply to the whole union. */
export const EU_MEMBERS: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU',
  'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
]);

const SAT_SUN = [6, 7] as const;
const FRI_SAT = [5, 6] as const;

const rows: Array<[string, string, string, string, readonly number[]]> = [
  ['US', 'United States', 'en-US', 'America/New_York', SAT_SUN],
  ['RU', 'Russia', 'ru', 'Europe/Moscow', SAT_SUN],
  ['BR', 'Brazil', 'pt-BR', 'America/Sao_Paulo', SAT_SUN],
  ['ES', 'Spain', 'es', 'Europe/Madrid', SAT_SUN],
  ['FR', 'France', 'fr', 'Europe/Paris', SAT_SUN],
  ['DE', 'Germany', 'de', 'Europe/Berlin', SAT_SUN],
  ['GB', 'United Kingdom', 'en-GB', 'Europe/London', SAT_SUN],
  ['PL', 'Poland', 'pl', 'Europe/Warsaw', SAT_SUN],
  ['IT', 'Italy', 'it', 'Europe/Rome', SAT_SUN],
  ['NL', 'Netherlands', 'nl', 'Europe/Amsterdam', SAT_SUN],
  ['IL', 'Israel', 'he', 'Asia/Jerusalem', FRI_SAT],
  ['UA', 'Ukraine', 'uk', 'Europe/Kyiv', SAT_SUN],
  ['KR', 'South Korea', 'ko', 'Asia/Seoul', SAT_SUN],
  ['CA', 'Canada', 'en-CA', 'America/Toronto', SAT_SUN],
  ['AU', 'Australia', 'en-AU', 'Australia/Sydney', SAT_SUN],
  ['MX', 'Mexico', 'es-MX', 'America/Mexico_City', SAT_SUN],
  ['CL', 'Chile', 'es-CL', 'America/Santiago', SAT_SUN],
  ['SA', 'Saudi Arabia', 'ar', 'Asia/Riyadh', FRI_SAT],
  ['AE', 'United Arab Emirates', 'ar', 'Asia/Dubai', SAT_SUN],
  ['TR', 'Turkey', 'tr', 'Europe/Istanbul', SAT_SUN],
  // CLDR's likely language for BE is Dutch (und-BE → nl-Latn-BE); a buyer's own locale always wins.
  ['BE', 'Belgium', 'nl-BE', 'Europe/Brussels', SAT_SUN],
  ['PT', 'Portugal', 'pt-PT', 'Europe/Lisbon', SAT_SUN],
  ['SE', 'Sweden', 'sv', 'Europe/Stockholm', SAT_SUN],
  ['CZ', 'Czechia', 'cs', 'Europe/Prague', SAT_SUN],
  ['JP', 'Japan', 'ja', 'Asia/Tokyo', SAT_SUN],
];

export const COUNTRIES: ReadonlyMap<string, CountryInfo> = new Map(
  rows.map(([code, name, locale, timezone, weekend]) => [code, { code, name, locale, timezone, weekend, eu: EU_MEMBERS.has(code) }]),
);

/** Codes people type that are not ISO 3166-1 alpha-2, with the code they mean. */
const COMMON_MISTAKES: Record<string, string> = {
  UK: 'GB', EN: 'GB', EL: 'GR', USA: 'US', RUS: 'RU', BRA: 'BR', ESP: 'ES', FRA: 'FR', DEU: 'DE',
  GER: 'DE', POL: 'PL', ITA: 'IT', NLD: 'NL', ISR: 'IL', UKR: 'UA', KOR: 'KR', CAN: 'CA', AUS: 'AU',
  MEX: 'MX', CHL: 'CL', SAU: 'SA', ARE: 'AE', UAE: 'AE', TUR: 'TR', BEL: 'BE', PRT: 'PT', SWE: 'SE',
  CZE: 'CZ', JPN: 'JP', GBR: 'GB',
};

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** True for any assigned ISO 3166-1 alpha-2 code (ICU knows their names). */
const NOT_COUNTRIES = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'XK']);

const isoAnswers = new Map<string, boolean>();

export function isIsoCountry(code: string): boolean {
  // Intl.DisplayNames costs microseconds a call; there are only 676 two-letter codes to remember.
  let known = isoAnswers.get(code);
  if (known === undefined) {
    if (!/^[A-Z]{2}$/.test(code)) return false;
    const name = code in COMMON_MISTAKES || NOT_COUNTRIES.has(code) ? undefined : regionNames.of(code);
    known = name !== undefined && name !== code;
    isoAnswers.set(code, known);
  }
  return known;
}

export function suggestCountry(input: string): string | undefined {
  return COMMON_MISTAKES[input.trim().toUpperCase()];
}

/** Intl.Locale's week and zone data: methods in newer engines, getters in Node 20's V8. */
interface LocaleRegionData {
  getTimeZones?: () => string[] | undefined;
  timeZones?: string[];
  getWeekInfo?: () => { weekend?: number[] } | undefined;
  weekInfo?: { weekend?: number[] };
}

/**
 * For a multi-zone country outside the table, the zone most of its people live in (ICU lists zones
 * alphabetically: Argentina would get La_Rioja). Single-zone countries need no entry.
 */
const MAIN_ZONE: Record<string, string> = {
  AR: 'America/Argentina/Buenos_Aires', KZ: 'Asia/Almaty', ID: 'Asia/Jakarta', CN: 'Asia/Shanghai', CD: 'Africa/Kinshasa',
  EC: 'America/Guayaquil', NZ: 'Pacific/Auckland', MY: 'Asia/Kuala_Lumpur', MN: 'Asia/Ulaanbaatar', UZ: 'Asia/Tashkent',
  PG: 'Pacific/Port_Moresby', PF: 'Pacific/Tahiti', KI: 'Pacific/Tarawa', FM: 'Pacific/Pohnpei', GL: 'America/Nuuk',
  XK: 'Europe/Belgrade', DE: 'Europe/Berlin', ES: 'Europe/Madrid', PT: 'Europe/Lisbon', UA: 'Europe/Kyiv', CY: 'Asia/Nicosia',
};

const derived = new Map<string, CountryInfo>();

/**
 * A country outside the table, from CLDR through Intl: the likely language (`und-AR` → `es-AR`,
 * `und-KZ` → `ru-KZ`), the country's main zone, its weekend. English, UTC and Saturday–Sunday only
 * where ICU knows nothing (an unknown language, no zone).
 */
export function derivedCountryInfo(code: string): CountryInfo {
  let info = derived.get(code);
  if (info) return info;
  let locale = 'en';
  let timezone = 'UTC';
  let weekend: readonly number[] = SAT_SUN;
  try {
    const likely = new Intl.Locale(`und-${code}`).maximize();
    // An unknown region maximizes to somewhere else (und-ZZ → en-Latn-US): nothing to learn then.
    if (likely.region !== code) throw new RangeError(`no CLDR data for ${code}`);
    const short = likely.minimize();
    if (likely.language !== 'und') locale = `${short.language}${short.script ? `-${short.script}` : ''}-${code}`;
    const data = likely as unknown as LocaleRegionData;
    const zones = data.getTimeZones?.() ?? data.timeZones ?? [];
    const main = MAIN_ZONE[code];
    // ICU may list a zone by an older id (America/Buenos_Aires): the preferred one is taken as is.
    timezone = main ?? zones[0] ?? 'UTC';
    const days = (data.getWeekInfo?.() ?? data.weekInfo)?.weekend;
    if (days && days.length > 0 && days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)) weekend = days;
  } catch {
    // Not a region ICU can maximize: keep the English / UTC defaults.
  }
  info = { code, name: regionNames.of(code) ?? code, locale, timezone, weekend, eu: EU_MEMBERS.has(code) };
  derived.set(code, info);
  return info;
}

export function countryInfo(code: string): CountryInfo {
  return COUNTRIES.get(code) ?? derivedCountryInfo(code);
}
