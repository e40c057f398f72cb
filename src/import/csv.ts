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
 * Physical line numbers of a file read in chunks, as an editor shows them.
 * csv-parse's own count is off after a quoted CRLF (it counts two lines),
 * so rows are numbered from the newlines seen here.
 */
class LineIndex {
  /** Absolute offsets of each '\n' not yet passed, and whether the line it ends is blank. */
  private newlines: number[] = [];
  private blank: boolean[] = [];
  private head = 0;
  /** Line number of the first line not yet passed. */
  private passedLine: number;
  private scanned: number;
  /** Bytes of the line being scanned so far, and the last byte scanned. */
  private lineLength = 0;
  private lastByte = -1;

  constructor(firstLine: number, offset: number) {
    this.passedLine = firstLine;
    this.scanned = offset;
  }

  add(chunk: Buffer): void {
    let at = 0;
    for (let nl = chunk.indexOf(10, at); nl !== -1; nl = chunk.indexOf(10, at)) {
      // Blank: nothing, or a lone CR, since the previous newline (possibly in an earlier chunk).
      this.lineLength += nl - at;
      const blank = this.lineLength === 0 || (this.lineLength === 1 && (nl > 0 ? chunk[nl - 1] : this.lastByte) === 13);
      this.newlines.push(this.scanned + nl);
      this.blank.push(blank);
      this.lineLength = 0;
      at = nl + 1;
    }
    this.lineLength += chunk.length - at;
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1];
    this.scanned += chunk.length;
  }

  /** The line holding the byte at `offset`, forgetting the lines before it (offsets only grow). */
  lineAt(offset: number): number {
    while (this.head < this.newlines.length && this.newlines[this.head] < offset) {
      this.head += 1;
      this.passedLine += 1;
    }
    if (this.head > 4096) {
      this.newlines = this.newlines.slice(this.head);
      this.blank = this.blank.slice(this.head);
      this.head = 0;
    }
    return this.passedLine;
  }

  /** The first non-blank line at or after `offset` (where a row starts after blank lines). */
  rowStart(offset: number): number {
    let line = this.lineAt(offset);
    for (let i = this.head; i < this.newlines.length && this.blank[i]; i++) line += 1;
    return line;
  }

  /** Offset just after the newline that ends `line`, or null when the file ends first. */
  endOf(line: number): number | null {
    const index = this.head + (line - this.passedLine);
    return index >= 0 && index < this.newlines.length ? this.newlines[index] + 1 : null;
  }
}

const UTF16_BOMS = [Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];

/** A field decoded from bytes that were not UTF-8 holds U+FFFD; a UTF-16 file read as UTF-8 holds NULs. */
function encodingProblem(record: string[]): string | null {
  for (const value of record) {
    if (value.includes('\u0000')) return 'holds NUL bytes: the file is not UTF-8 (UTF-16?); save it as CSV UTF-8 and import it again';
    if (value.includes('\ufffd')) return 'is not valid UTF-8 (a byte sequence that decodes to nothing); save the file as CSV UTF-8 and import it again';
  }
  return null;
}

/**
 * Streams a CSV order export in chunks of rows, never the whole file in
 * memory. The parser is fed the file's chunks by hand and hands over each
 * record as it is parsed (`on_record`), so a 64 KB chunk costs one await
 * rather than one per row. A malformed row becomes an ImportRow with its
 * problem, not a stopped import; a bad header stops it before any row.
 *
 * A stray quote that opens a field and is never closed would swallow every
 * row after it into one unreadable record: that line is reported as invalid
 * and reading starts again on the next line, so no row is lost uncounted.
 */
export async function* readOrderCsv(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<ImportRow[]> {
  const state: PassState = { columns: null, headerProblem: null, bytes: 0 };
  let from: { line: number; offset: number } | null = { line: 1, offset: 0 };
  while (from) {
    const pass = readPass(path, from, state, onBytes);
    let next = await pass.next();
    while (!next.done) {
      yield next.value;
      next = await pass.next();
    }
    from = next.value;
  }
  if (!state.columns) throw new InputError('import_empty', [`${path}: the file is empty (expected a header row)`]);
}

interface PassState {
  columns: Array<Column | null> | null;
  headerProblem: unknown;
  bytes: number;
}

/** One parser over the file from `from`; after a row it cannot read, returns where to start again (the next line), else null. */
async function* readPass(
  path: string,
  from: { line: number; offset: number },
  state: PassState,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<ImportRow[], { line: number; offset: number } | null> {
  let rows: ImportRow[] = [];
  const lines = new LineIndex(from.line, from.offset);
  let rowEnd = from.offset; // where the next row starts
  // The line of the first unreadable row: the parser may have lost track of quoting there, so
  // everything it reads after is ignored and a new parser starts on the next line.
  let restartAfter: number | null = null;
  let bomChecked = from.offset > 0;
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      if (restartAfter !== null) return undefined;
      const line = lines.rowStart(rowEnd);
      restartAfter = line;
      const detail = (err?.message ?? 'malformed row').replace(/ at line \d+/, '');
      const quoting = err && QUOTE_ERRORS.has(err.code) ? 'a stray quote on this line (quote whole fields, "like, this", and double a quote inside one: ""); ' : '';
      rows.push({ line, input: null, problems: [`unreadable CSV: ${quoting}${detail}; the rows after it are read from the next line`] });
      return undefined;
    },
    on_record: (record: string[], info: { lines: number; bytes: number }) => {
      if (restartAfter !== null) return null;
      const end = from.offset + info.bytes;
      state.bytes = end;
      // A row is numbered by the line it ends on (a quoted line break makes it span two).
      const line = lines.lineAt(end - 1);
      rowEnd = end;
      if (state.headerProblem) return null;
      if (!state.columns) {
        try {
          state.columns = mapHeader(record, path);
        } catch (err) {
          state.headerProblem = err;
        }
        return null;
      }
      const columns = state.columns;
      const encoding = encodingProblem(record);
      if (encoding) rows.push({ line, input: null, problems: [`the row ${encoding}`] });
      else if (record.length > columns.length) {
        const problem = `has ${record.length} fields but the header has ${columns.length} (quote values that contain commas)`;
        rows.push({ line, input: null, problems: [problem] });
      } else {
        rows.push({ line, input: toInput(columns, record), problems: [] });
      }
      return null; // kept here, not pushed through the stream
    },
  });
  let failure: Error | null = null;
  parser.on('error', (err) => (failure ??= err));
  parser.resume(); // nothing comes out of it; resumed, it can end
  const check = () => {
    if (state.headerProblem) throw state.headerProblem;
    if (failure) throw failure;
  };
  const restart = () => {
    const offset = restartAfter === null ? null : lines.endOf(restartAfter);
    return offset === null ? null : { line: restartAfter! + 1, offset };
  };
  const stream = createReadStream(path, { start: from.offset });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!bomChecked) {
        bomChecked = true;
        if (UTF16_BOMS.some((bom) => chunk.subarray(0, 2).equals(bom))) {
          throw new InputError('import_encoding', [`${path} line 1: the file is UTF-16, not UTF-8`], 'Save it as "CSV UTF-8" (Excel: File > Save As > CSV UTF-8) and import it again.');
        }
      }
      lines.add(chunk);
      if (restartAfter === null) {
        parser.write(chunk); // parses synchronously: `rows` now holds this chunk's records
        check();
        onBytes?.(state.bytes);
        if (rows.length > 0) {
          yield rows;
          rows = [];
        }
      }
      // Past an unreadable row, read only as far as its line's end.
      if (restartAfter !== null && restart()) break;
    }
  } finally {
    stream.destroy();
  }
  if (restartAfter === null) {
    await new Promise<void>((resolve) => parser.end(() => resolve()));
    check();
  }
  onBytes?.(state.bytes);
  if (rows.length > 0) yield rows;
  return restart();
}

/** csv-parse errors of quoting: after one, the parser's idea of where rows start cannot be trusted. */
const QUOTE_ERRORS = new Set(['CSV_QUOTE_NOT_CLOSED', 'CSV_INVALID_CLOSING_QUOTE', 'INVALID_OPENING_QUOTE', 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE']);
