import { createReadStream } from 'node:fs';
import { parse, type CsvError } from 'csv-parse';
import { InputError } from '../domain/errors.js';
import type { OrderInput } from '../domain/order.js';

/** One data row of an import file: an order to validate, or why the row could not be read. */
export interface ImportRow {
  line: number;
  input: OrderInput | null;
  problems: string[];
}

/** Documented columns; headers are matched ignoring case, spaces and dashes. */
export const IMPORT_COLUMNS = [
  'order_id',
  'buyer_email',
  'country',
  'carrier',
  'tracking_number',
  'buyer_name',
  'shipped_at',
  'store',
  'locale',
  'timezone',
] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
const REQUIRED: Column[] = ['order_id', 'buyer_email', 'country', 'carrier', 'tracking_number'];

// Names common order exports use for the same thing.
const ALIASES: Record<string, Column> = {
  orderid: 'order_id',
  order: 'order_id',
  email: 'buyer_email',
  buyer_mail: 'buyer_email',
  name: 'buyer_name',
  buyer: 'buyer_name',
  tracking: 'tracking_number',
  tracking_no: 'tracking_number',
  trackingnumber: 'tracking_number',
  buyer_locale: 'locale',
  language: 'locale',
  buyer_timezone: 'timezone',
  time_zone: 'timezone',
  shipped: 'shipped_at',
  ship_date: 'shipped_at',
  country_code: 'country',
};

/** Validation problems name JSON fields; in a CSV report they should name the column. */
const COLUMN_OF: Record<string, Column> = {
  orderId: 'order_id',
  'buyer.email': 'buyer_email',
  'buyer.name': 'buyer_name',
  'buyer.locale': 'locale',
  'buyer.timezone': 'timezone',
  country: 'country',
  carrier: 'carrier',
  trackingNumber: 'tracking_number',
  shippedAt: 'shipped_at',
  store: 'store',
};

export function asColumnProblem(problem: string): string {
  const match = /^([\w.]+): (.*)$/.exec(problem);
  const column = match && COLUMN_OF[match[1]];
  return column ? `${column} ${match[2]}` : problem;
}

function normalize(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Maps header cells to columns; throws listing every header problem (nothing is imported then). */
export function mapHeader(header: string[], file: string): Array<Column | null> {
  const mapped = header.map((h) => {
    const name = normalize(h);
    return (IMPORT_COLUMNS as readonly string[]).includes(name) ? (name as Column) : (ALIASES[name] ?? null);
  });
  const problems: string[] = [];
  const missing = REQUIRED.filter((c) => !mapped.includes(c));
  if (missing.length > 0) {
    problems.push(`${file} line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header: ${header.join(', ')})`);
  }
  for (const column of IMPORT_COLUMNS) {
    if (mapped.filter((c) => c === column).length > 1) problems.push(`${file} line 1: column ${column} appears more than once`);
  }
  if (problems.length > 0) {
    throw new InputError('import_header_invalid', problems, `The header row must name at least: ${REQUIRED.join(', ')}.`);
  }
  return mapped;
}

function toInput(columns: Array<Column | null>, record: string[]): OrderInput {
  const value: Partial<Record<Column, string>> = {};
  columns.forEach((c, i) => {
    if (c && record[i] !== undefined && record[i] !== '') value[c] = record[i];
  });
  return {
    orderId: value.order_id,
    store: value.store,
    buyer: { name: value.buyer_name, email: value.buyer_email, locale: value.locale, timezone: value.timezone },
    country: value.country,
    carrier: value.carrier,
    trackingNumber: value.tracking_number,
    shippedAt: value.shipped_at,
  };
}

/**
 * Streams a CSV order export in chunks of rows, never the whole file in
 * memory. The parser is fed the file's chunks by hand and hands over each
 * record as it is parsed (`on_record`), so a 64 KB chunk costs one await
 * rather than one per row. A malformed row becomes an ImportRow with its
 * problem, not a stopped import; a bad header stops it before any row.
 */
export async function* readOrderCsv(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<ImportRow[]> {
  let rows: ImportRow[] = [];
  let columns: Array<Column | null> | null = null;
  let headerProblem: unknown = null;
  let bytes = 0;
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      const line = Number((err as unknown as { lines?: number })?.lines ?? 0);
      rows.push({ line, input: null, problems: [`unreadable CSV: ${err?.message ?? 'malformed row'}`] });
      return undefined;
    },
    on_record: (record: string[], info: { lines: number; bytes: number }) => {
      bytes = info.bytes;
      if (headerProblem) return null;
      if (!columns) {
        try {
          columns = mapHeader(record, path);
        } catch (err) {
          headerProblem = err;
        }
      } else if (record.length > columns.length) {
        const problem = `has ${record.length} fields but the header has ${columns.length} (quote values that contain commas)`;
        rows.push({ line: info.lines, input: null, problems: [problem] });
      } else {
        rows.push({ line: info.lines, input: toInput(columns, record), problems: [] });
      }
      return null; // kept here, not pushed through the stream
    },
  });
  let failure: Error | null = null;
  parser.on('error', (err) => (failure ??= err));
  parser.resume(); // nothing comes out of it; resumed, it can end
  const check = () => {
    if (headerProblem) throw headerProblem;
    if (failure) throw failure;
  };
  for await (const chunk of createReadStream(path)) {
    parser.write(chunk); // parses synchronously: `rows` now holds this chunk's records
    check();
    onBytes?.(bytes);
    if (rows.length > 0) {
      yield rows;
      rows = [];
    }
  }
  await new Promise<void>((resolve) => parser.end(() => resolve()));
  check();
  onBytes?.(bytes);
  if (rows.length > 0) yield rows;
  if (!columns) throw new InputError('import_empty', [`${path}: the file is empty (expected a header row)`]);
}
