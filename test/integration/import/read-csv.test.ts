import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOrderCsv, type ImportRow } from '../../../src/import/csv.js';
import { tempDir, type TempDir } from '../../helpers/env.js';

const HEADER = 'order_id,buyer_email,country,carrier,tracking_number';

async function readAll(path: string): Promise<{ chunks: number; rows: ImportRow[]; bytes: number }> {
  let chunks = 0;
  let bytes = 0;
  const rows: ImportRow[] = [];
  for await (const chunk of readOrderCsv(path, (b) => (bytes = b))) {
    chunks += 1;
    rows.push(...chunk);
  }
  return { chunks, rows, bytes };
}

describe('reading an order CSV', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('reads a BOM, CRLF line ends, a quoted comma and a last row without a line end', async () => {
    const file = dir.file('orders.csv');
    const text = [`${HEADER},buyer_name`, 'A-1,a@example.com,US,ups,1Z1,"Smith, Jane"', '', 'A-2,c@example.com,DE,dhl,JD3,Last'].join('\r\n');
    writeFileSync(file, `\uFEFF${text}`);
    const { rows, bytes } = await readAll(file);
    expect(rows.map((r) => [r.line, r.input?.orderId, r.input?.buyer?.name])).toEqual([
      [2, 'A-1', 'Smith, Jane'],
      [4, 'A-2', 'Last'],
    ]);
    expect(bytes).toBe(Buffer.byteLength(`\uFEFF${text}`));
  });

  it('keeps a quoted line break in its field; the row is numbered by the line it ends on', async () => {
    const file = dir.file('notes.csv');
    writeFileSync(file, `${HEADER},buyer_name\nQ-1,b@example.com,FR,dhl,JD2,"two\nlines"\nQ-2,c@example.com,FR,dhl,JD3,One\n`);
    const { rows } = await readAll(file);
    expect(rows.map((r) => [r.line, r.input?.orderId, r.input?.buyer?.name])).toEqual([
      [3, 'Q-1', 'two\nlines'],
      [4, 'Q-2', 'One'],
    ]);
  });

  it('reports a row with too many fields and a malformed one by line, and keeps the rest', async () => {
    const file = dir.file('broken.csv');
    writeFileSync(file, `${HEADER}\nB-1,a@example.com,US,ups,1Z1\nB-2,Smith, Jane,b@example.com,US,ups,1Z2\nB-3,c@example.com,US,ups,1Z3\nB-4,"unclosed,US,ups,1Z4\n`);
    const { rows } = await readAll(file);
    expect(rows.map((r) => [r.line, r.input?.orderId ?? null])).toEqual([[2, 'B-1'], [3, null], [4, 'B-3'], [5, null]]);
    expect(rows[1].problems).toEqual(['has 7 fields but the header has 5 (quote values that contain commas)']);
    expect(rows[3].problems[0]).toMatch(/^unreadable CSV: a stray quote on this line .*Quote Not Closed/);
  });

  it('hands a large file over in chunks of many rows, rows cut at chunk edges read whole', async () => {
    const file = dir.file('large.csv');
    const count = 20_000; // about 1 MB: many 64 KB chunks, rows split across their edges
    const lines = Array.from({ length: count }, (_, i) => `L-${i},buyer${i}@example.com,US,ups,1Z${String(i).padStart(9, '0')}`);
    writeFileSync(file, `${HEADER}\n${lines.join('\n')}\n`);
    const { rows, chunks } = await readAll(file);
    expect(rows).toHaveLength(count);
    expect(rows.every((r, i) => r.line === i + 2 && r.input?.orderId === `L-${i}` && r.input?.trackingNumber === `1Z${String(i).padStart(9, '0')}`)).toBe(true);
    expect(chunks).toBeGreaterThan(5);
    expect(chunks).toBeLessThan(count / 100);
  });

  it('stops on a header without the required columns, before any row', async () => {
    const file = dir.file('wrong.csv');
    writeFileSync(file, 'id,mail\n1,a@example.com\n');
    await expect(readAll(file)).rejects.toMatchObject({ code: 'import_header_invalid' });
  });

  it('calls an empty file bad input, and a missing file an error', async () => {
    const empty = dir.file('empty.csv');
    writeFileSync(empty, '\n\n');
    await expect(readAll(empty)).rejects.toMatchObject({ code: 'import_empty' });
    await expect(readAll(dir.file('missing.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('reading an order CSV with broken quoting', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());
  const row = (i: number) => `S-${i},b${i}@example.com,US,ups,1Z${i}`;

  it('a stray quote on line 3 of 50 rows: line 3 is reported, the 48 rows after it are read', async () => {
    const file = dir.file('stray.csv');
    const lines = [HEADER, ...Array.from({ length: 50 }, (_, i) => row(i + 1))];
    lines[2] = 'S-2,"b2@example.com,US,ups,1Z2'; // line 3
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { rows } = await readAll(file);
    expect(rows).toHaveLength(50);
    const invalid = rows.filter((r) => !r.input);
    expect(invalid.map((r) => r.line)).toEqual([3]);
    expect(invalid[0].problems[0]).toMatch(/stray quote.*Quote Not Closed/);
    expect(rows.filter((r) => r.input).map((r) => r.line)).toEqual([2, ...Array.from({ length: 48 }, (_, i) => i + 4)]);
    expect(rows.find((r) => r.line === 51)?.input?.orderId).toBe('S-50');
  });

  it('two unclosed quotes, and a quote inside a field: each reported at its line, nothing else lost', async () => {
    const file = dir.file('two.csv');
    const lines = [HEADER, ...Array.from({ length: 10 }, (_, i) => row(i + 1))];
    lines[3] = 'S-3,"b3@example.com,US,ups,1Z3'; // line 4
    lines[6] = 'S-6,b6@exa"mple.com,US,ups,1Z6'; // line 7
    lines[9] = 'S-9,"b9@example.com,US,ups,1Z9'; // line 10
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const { rows } = await readAll(file);
    expect(rows.filter((r) => !r.input).map((r) => r.line)).toEqual([4, 7, 10]);
    expect(rows.filter((r) => r.input).map((r) => r.input?.orderId)).toEqual(['S-1', 'S-2', 'S-4', 'S-5', 'S-7', 'S-8', 'S-10']);
    expect(rows.filter((r) => r.input).map((r) => r.line)).toEqual([2, 3, 5, 6, 8, 9, 11]);
  });

  it('a quoted CRLF does not shift the line numbers of later rows', async () => {
    const file = dir.file('crlf.csv');
    writeFileSync(file, `${HEADER},buyer_name\nC-1,a@example.com,US,ups,1Z1,"two\r\nlines"\nC-2,b@example.com,US,ups,1Z2,x\nC-3,"c@example.com,US,ups,1Z3,y\nC-4,d@example.com,US,ups,1Z4,z\n`);
    const { rows } = await readAll(file);
    expect(rows.map((r) => [r.line, r.input?.orderId ?? null])).toEqual([[3, 'C-1'], [4, 'C-2'], [5, null], [6, 'C-4']]);
  });

  it('a UTF-16 file is refused at line 1; bytes that are not UTF-8 make their row invalid, by line', async () => {
    const utf16 = dir.file('utf16.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n${row(1)}\n`, 'utf16le')]));
    await expect(readAll(utf16)).rejects.toThrow(/line 1: the file is UTF-16, not UTF-8/);

    const latin1 = dir.file('latin1.csv');
    writeFileSync(latin1, Buffer.concat([Buffer.from(`${HEADER},buyer_name\n${row(1)},Ana\n${row(2)},Jos`), Buffer.from([0xe9]), Buffer.from(`\n${row(3)},Zo\u0000e\n`)]));
    const { rows } = await readAll(latin1);
    expect(rows.map((r) => [r.line, r.input?.orderId ?? null])).toEqual([[2, 'S-1'], [3, null], [4, null]]);
    expect(rows[1].problems[0]).toMatch(/not valid UTF-8/);
    expect(rows[2].problems[0]).toMatch(/NUL/);
  });
});
