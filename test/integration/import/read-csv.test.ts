import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOrderCsv, type ImportRow } from '../../../src/services/import-csv.js';
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
    expect(rows[3].problems[0]).toMatch(/^unreadable CSV: Quote Not Closed/);
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
