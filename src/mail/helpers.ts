import type { HelperOptions } from 'handlebars';
import { DateTime } from 'luxon';

interface RootWithBuyer {
  buyer: { locale: string; timezone: string };
}

function zoneAndLocale(options: HelperOptions): { zone: string; locale: string } {
  const root = options.data?.root as RootWithBuyer | undefined;
  return { zone: root?.buyer.timezone ?? 'UTC', locale: root?.buyer.locale ?? 'en' };
}

function toDate(value: unknown, helper: string): DateTime {
  const parsed = typeof value === 'string' ? DateTime.fromISO(value, { setZone: true }) : null;
  if (!parsed?.isValid) throw new Error(`{{${helper}}}: ${JSON.stringify(value)} is not an ISO date-time`);
  return parsed;
}

const STYLES: Record<string, Intl.DateTimeFormatOptions> = {
  long: { day: 'numeric', month: 'long', year: 'numeric' },
  short: { day: 'numeric', month: 'short' },
  full: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  datetime: { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' },
};

/**
 * Template helpers. Dates are formatted in the buyer's zone and locale, taken
 * from the render context, so a template never decides either.
 */
export const helpers = {
  /** {{date order.shippedAt "long"}} → "20 November 2026" / "20 de noviembre de 2026" */
  date(value: unknown, ...args: unknown[]): string {
    const options = args.pop() as HelperOptions;
    const style = typeof args[0] === 'string' ? args[0] : 'long';
    const { zone, locale } = zoneAndLocale(options);
    const format = STYLES[style];
    if (!format) throw new Error(`{{date}}: unknown style ${JSON.stringify(style)} (use ${Object.keys(STYLES).join(', ')})`);
    return new Intl.DateTimeFormat(locale, { ...format, timeZone: zone }).format(toDate(value, 'date').toJSDate());
  },
  /** {{dateRange expected.from expected.to}} → "12–20 December 2026", localized. */
  dateRange(from: unknown, to: unknown, options: HelperOptions): string {
    const { zone, locale } = zoneAndLocale(options);
    const format = new Intl.DateTimeFormat(locale, { ...STYLES.long, timeZone: zone });
    return format.formatRange(toDate(from, 'dateRange').toJSDate(), toDate(to, 'dateRange').toJSDate());
  },
  /** {{number 1234.5}} in the buyer's locale. */
  number(value: unknown, options: HelperOptions): string {
    const { locale } = zoneAndLocale(options);
    return new Intl.NumberFormat(locale).format(Number(value));
  },
  eq(a: unknown, b: unknown): boolean {
    return a === b;
  },
};
