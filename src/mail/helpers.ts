import Handlebars, { type HelperOptions } from 'handlebars';
import { DateTime } from 'luxon';
import { parseIsoMillis } from '../domain/iso-time.js';
import { toWall } from '../domain/wall-clock.js';

interface RootWithBuyer {
  buyer: { locale: string; timezone: string };
}

/**
 * The zone and the locale to format in. A template written in one language passes
 * `lang="es"`: the buyer's own tag is used when it is that language (`es-MX` keeps
 * its conventions), else the template's, so an English fallback for an `ar` buyer
 * never shows Arabic dates inside English text. Without `lang`, the buyer's locale.
 */
function zoneAndLocale(options: HelperOptions): { zone: string; locale: string } {
  const root = options.data?.root as RootWithBuyer | undefined;
  const buyer = root?.buyer.locale ?? 'en';
  const lang = typeof options.hash?.lang === 'string' ? options.hash.lang : undefined;
  const locale = !lang || buyer.split('-')[0] === lang.split('-')[0] ? buyer : lang;
  return { zone: root?.buyer.timezone ?? 'UTC', locale };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A date-only value (`2026-12-07`) is a calendar date in the buyer's zone, not UTC midnight. */
function toDate(value: unknown, helper: string, zone: string): Date {
  const ms =
    typeof value !== 'string'
      ? NaN
      : DATE_ONLY.test(value)
        ? DateTime.fromISO(value, { zone }).set({ hour: 12 }).toMillis()
        : parseIsoMillis(value);
  if (!Number.isFinite(ms)) throw new Error(`{{${helper}}}: ${JSON.stringify(value)} is not an ISO date-time`);
  return new Date(ms);
}

const STYLES: Record<string, Intl.DateTimeFormatOptions> = {
  long: { day: 'numeric', month: 'long', year: 'numeric' },
  short: { day: 'numeric', month: 'short' },
  full: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  datetime: { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' },
};

// Building Intl formatters dominates render time; a message uses a handful, so keep them.
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, zone: string, style: string): Intl.DateTimeFormat {
  const key = `${locale}|${zone}|${style}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone: zone });
    formatters.set(key, format);
  }
  return format;
}
const numberFormats = new Map<string, Intl.NumberFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();
function rulesFor(locale: string): Intl.PluralRules & { selectRange?: (a: number, b: number) => string } {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules;
}

/**
 * Formatted strings repeat across thousands of messages (same day, same zone,
 * same locale); Intl's formatRange and selectRange cost ~50-100 µs a call.
 */
const memo = new Map<string, string>();
function memoized(key: string, compute: () => string): string {
  let value = memo.get(key);
  if (value === undefined) {
    value = compute();
    if (memo.size > 20_000) memo.clear();
    memo.set(key, value);
  }
  return value;
}

/**
 * Languages whose CLDR interval format for a long date is all-numeric ("2026/12/01～2026/12/11",
 * "1.–11. 12. 2026") although a single date spells the month: the range is built from the two
 * dates' parts instead, leaving out the year (and the month) the two share, as a native writer would.
 */
const SPELLED_RANGES: Record<string, { drop: 'first' | 'second'; same: string; other: string }> = {
  ja: { drop: 'second', same: '～', other: '～' },
  cs: { drop: 'first', same: '–', other: ' – ' },
};

function spelledRange(format: Intl.DateTimeFormat, from: Date, to: Date, rule: (typeof SPELLED_RANGES)[string]): string {
  const a = format.formatToParts(from);
  const b = format.formatToParts(to);
  const value = (parts: Intl.DateTimeFormatPart[], type: string) => parts.find((p) => p.type === type)?.value;
  const sameYear = value(a, 'year') === value(b, 'year');
  const sameMonth = sameYear && value(a, 'month') === value(b, 'month');
  if (!sameYear) return `${format.format(from)}${rule.other}${format.format(to)}`;
  const drop = new Set(sameMonth ? ['year', 'month'] : ['year']);
  const shorten = (parts: Intl.DateTimeFormatPart[]) => {
    const kept: string[] = [];
    for (let i = 0; i < parts.length; i += 1) {
      if (drop.has(parts[i].type)) {
        // ja: the unit after the number ("年", "月") goes with it; cs: the space before it (the day’s dot stays).
        if (rule.drop === 'second' && parts[i + 1]?.type === 'literal') i += 1;
        else if (rule.drop === 'first' && kept.length && parts[i - 1]?.type === 'literal') kept.push(kept.pop()!.trimEnd());
        continue;
      }
      kept.push(parts[i].value);
    }
    return kept.join('').trim();
  };
  return rule.drop === 'second'
    ? `${format.format(from)}${sameMonth ? rule.same : rule.other}${shorten(b)}`
    : `${shorten(a)}${sameMonth ? rule.same : rule.other}${format.format(to)}`;
}

/**
 * What a native writer adds to CLDR's dates: the first of the month as an ordinal
 * (fr "1er décembre", it "1° dicembre", pt-BR "1º de dezembro"), Polish "r." after a
 * year ("20 listopada 2026 r."), and never a zero-padded day in Italian.
 */
const FIRST_OF_MONTH: Record<string, { pattern: RegExp; ordinal: string }> = {
  fr: { pattern: /(^|[^\d])1(?=\s(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre))/g, ordinal: '1er' },
  it: { pattern: /(^|[^\d])1(?=\s(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre))/g, ordinal: '1°' },
  pt: { pattern: /(^|[^\d])1(?= de |\s?–\s?\d)/g, ordinal: '1º' },
};

function crafted(locale: string, text: string): string {
  const lang = locale.split('-')[0];
  const first = FIRST_OF_MONTH[lang];
  // European Portuguese writes "1 de dezembro"; the ordinal is Brazilian usage.
  if (first && !(lang === 'pt' && /^pt-(PT|AO|MZ|CV|GW|ST|TL)$/i.test(locale))) text = text.replace(first.pattern, `$1${first.ordinal}`);
  if (lang === 'it') text = text.replace(/(^|[^\d])0(\d)(?=\D|$)/g, '$1$2');
  if (lang === 'pl') text = text.replace(/(\d{4})(?! r\.)/g, '$1 r.').replace(/ r\. (\d{1,2}:\d{2})/, ' r., godz. $1');
  return text;
}

/**
 * French and Italian say a span of dates with prepositions: "du 4 au 22 décembre 2026",
 * "dal 9 al 25 dicembre", "dall’8 all’11 dicembre", leaving out the month and year the
 * two dates share; CLDR's "4–22 décembre" and Italian's zero-padded "04–22" read as forms.
 */
const WORDED_RANGES: Record<string, { from: (day: string) => string; to: (day: string) => string; first: string }> = {
  fr: { from: () => 'du ', to: () => ' au ', first: '1er' },
  it: { from: (d) => (/^(8|11)$/.test(d) ? 'dall’' : 'dal '), to: (d) => (/^(8|11)$/.test(d) ? ' all’' : ' al '), first: '1°' },
};

function wordedRange(format: Intl.DateTimeFormat, from: Date, to: Date, locale: string): string {
  const rule = WORDED_RANGES[locale.split('-')[0]];
  const parts = (d: Date) => Object.fromEntries(format.formatToParts(d).map((p) => [p.type, p.value])) as Record<string, string>;
  const [a, b] = [parts(from), parts(to)];
  const day = (p: Record<string, string>) => (Number(p.day) === 1 ? rule.first : String(Number(p.day)));
  const first = a.year !== b.year ? `${day(a)} ${a.month} ${a.year}` : a.month !== b.month ? `${day(a)} ${a.month}` : day(a);
  return `${rule.from(day(a))}${first}${rule.to(day(b))}${day(b)} ${b.month} ${b.year}`;
}

/** Countries whose English name takes "the" in running text. */
const EN_THE = new Set(['US', 'GB', 'NL', 'AE', 'PH', 'BS', 'GM', 'CF', 'DO', 'KY', 'MV', 'MH', 'SB', 'TC', 'VA', 'KM', 'CD', 'CG']);

type PluralCategory = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';

function pluralForm(options: HelperOptions, category: PluralCategory, helper: string): string {
  const form = options.hash?.[category] ?? options.hash?.other;
  if (typeof form !== 'string') throw new Error(`{{${helper}}}: give at least other="..." (and one=, few=, many= as the language needs)`);
  return form;
}

/**
 * Template helpers. Dates are formatted in the buyer's zone and locale, taken
 * from the render context, so a template never decides either.
 */
export const helpers = {
  /** {{date order.shippedAt "long" lang="es"}} → "20 November 2026" / "20 de noviembre de 2026" */
  date(value: unknown, ...args: unknown[]): string {
    const options = args.pop() as HelperOptions;
    const style = typeof args[0] === 'string' ? args[0] : 'long';
    const { zone, locale } = zoneAndLocale(options);
    const format = STYLES[style];
    if (!format) throw new Error(`{{date}}: unknown style ${JSON.stringify(style)} (use ${Object.keys(STYLES).join(', ')})`);
    const date = toDate(value, 'date', zone);
    // Instants differ in every message, but what a date style shows repeats: memoize on the
    // buyer's wall-clock day (or minute, for "datetime"), not on the instant.
    const wall = toWall(date.getTime(), zone);
    const unit = style === 'datetime' ? 60_000 : 86_400_000;
    return memoized(`d|${locale}|${zone}|${style}|${Math.floor(wall / unit)}`, () => crafted(locale, dateFormat(locale, zone, style).format(date)));
  },
  /** {{dateRange expected.from expected.to lang="es"}} → "12–20 December 2026", localized. */
  dateRange(from: unknown, to: unknown, options: HelperOptions): string {
    const { zone, locale } = zoneAndLocale(options);
    return memoized(`r|${locale}|${zone}|${String(from)}|${String(to)}`, () => {
      const format = dateFormat(locale, zone, 'long');
      const [a, b] = [toDate(from, 'dateRange', zone), toDate(to, 'dateRange', zone)];
      const lang = locale.split('-')[0];
      if (format.format(a) === format.format(b)) return crafted(locale, format.format(a));
      if (WORDED_RANGES[lang]) return wordedRange(format, a, b, locale);
      const rule = SPELLED_RANGES[lang];
      return crafted(locale, rule ? spelledRange(format, a, b, rule) : format.formatRange(a, b));
    });
  },
  /** {{number 1234.5}} in the buyer's locale. */
  number(value: unknown, options: HelperOptions): string {
    const { locale } = zoneAndLocale(options);
    let format = numberFormats.get(locale);
    if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale)));
    return format.format(Number(value));
  },
  /** {{plural n one="day" other="days" lang="en"}}: the form for n in the locale's plural rules. */
  plural(value: unknown, options: HelperOptions): string {
    const { locale } = zoneAndLocale(options);
    return pluralForm(options, rulesFor(locale).select(Number(value)) as PluralCategory, 'plural');
  },
  /** {{pluralRange 12 21 one="рабочий день" few="рабочих дня" many="рабочих дней" lang="ru"}}: the form after "12–21". */
  pluralRange(min: unknown, max: unknown, options: HelperOptions): string {
    const { locale } = zoneAndLocale(options);
    const rules = rulesFor(locale);
    const category = memoized(`p|${locale}|${Number(min)}|${Number(max)}`, () =>
      rules.selectRange ? rules.selectRange(Number(min), Number(max)) : rules.select(Number(max)),
    );
    return pluralForm(options, category as PluralCategory, 'pluralRange');
  },
  /**
   * {{countryName order.country lang="de"}} → "Vereinigte Staaten". With `article=true`, English
   * names that take "the" in a sentence get it ("has arrived in the United States").
   */
  countryName(code: unknown, options: HelperOptions): string {
    const { locale } = zoneAndLocale(options);
    const name = memoized(`c|${locale}|${String(code)}`, () => new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(String(code)) ?? String(code));
    const article = options.hash?.article === true && locale.split('-')[0] === 'en' && EN_THE.has(String(code));
    return article ? `the ${name}` : name;
  },
  /**
   * {{opt "replyLabel" "Questions? Write to us at"}}: a partial's hash parameter, or
   * the default when the caller (e.g. an older store template) did not pass it.
   */
  opt(this: unknown, name: unknown, fallback: unknown): unknown {
    const own = this && typeof this === 'object' ? (this as Record<string, unknown>)[String(name)] : undefined;
    return own ?? fallback;
  },
  /** {{nl2br store.signature}}: escaped text with its line breaks kept, for HTML. */
  nl2br(value: unknown): Handlebars.SafeString {
    const lines = String(value ?? '').split(/\r?\n/).map((l) => Handlebars.Utils.escapeExpression(l));
    return new Handlebars.SafeString(lines.join('<br>'));
  },
  /** {{money 3 "USD"}} → "$3.00" / "3,00 US$", in the buyer's locale: only sums the seller configured. */
  money(amount: unknown, currency: unknown, options: HelperOptions): string {
    const { locale } = zoneAndLocale(options);
    if (typeof currency !== 'string' || !Number.isFinite(Number(amount))) throw new Error('{{money}}: give an amount and an ISO 4217 currency');
    return memoized(`m|${locale}|${currency}|${Number(amount)}`, () =>
      new Intl.NumberFormat(locale, { style: 'currency', currency }).format(Number(amount)),
    );
  },
  /** {{percent 10}} → "10%" / "10 %", as the locale writes a percentage. */
  percent(value: unknown, options: HelperOptions): string {
    const { locale } = zoneAndLocale(options);
    return memoized(`%|${locale}|${Number(value)}`, () =>
      new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(Number(value) / 100),
    );
  },
  eq(a: unknown, b: unknown): boolean {
    return a === b;
  },
};
