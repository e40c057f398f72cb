import { DateTime } from 'luxon';

/** Buyer-local time as a person reads it: `2026-11-20 09:00 GMT-3`. */
export function localTime(ms: number | null, zone: string): string | null {
  return ms === null ? null : DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
}

export function utcTime(ms: number | null): string | null {
  return ms === null ? null : DateTime.fromMillis(ms, { zone: 'utc' }).toFormat("yyyy-MM-dd HH:mm'Z'");
}

export function isoUtc(ms: number | null): string | null {
  return ms === null ? null : DateTime.fromMillis(ms, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

function clip(value: string, width: number): string {
  if (value.length <= width) return value;
  return width <= 1 ? value.slice(0, width) : `${value.slice(0, width - 1)}…`;
}

/**
 * A fixed-width table that fits `maxWidth`: when too wide, the widest columns
 * are clipped (with an ellipsis) until it fits. `--json` has the full values.
 */
export function fitTable(headers: string[], rows: Array<Array<string | null>>, maxWidth = 80): string {
  const cells = rows.map((r) => r.map((c) => c ?? '-'));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 4) break;
    widths[widest] -= 1;
  }
  const line = (r: string[]) => r.map((c, i) => clip(c, widths[i]).padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Word-wraps text to `width`, indenting continuation lines. */
export function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines.join(`\n${indent}`);
}

/** RFC 4180 quoting; a leading = + - @ is defused so spreadsheets do not run it as a formula. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: Array<string | number | null>): string {
  return `${values.map(csvCell).join(',')}\n`;
}
