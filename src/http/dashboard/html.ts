import { DateTime } from 'luxon';
import { linkTo, type Filters } from './filters.js';

export const esc = (value: unknown): string =>
  String(value ?? '-').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A table cell: its text (also the CSV value), optionally a link or a tone (always with words, never colour alone). */
export interface Cell {
  text: string;
  href?: string;
  tone?: 'bad' | 'warn' | 'ok';
  /** Inline markup shown instead of the text (a small chart); the CSV keeps the text. */
  html?: string;
}

/** A table a view shows and can hand out as CSV (the same rows). */
export interface Table {
  id: string;
  title: string;
  note?: string;
  headers: string[];
  rows: Cell[][];
  empty?: string;
}

/** One view: HTML blocks and tables, in page order. */
export interface View {
  path: string;
  title: string;
  status?: number;
  /** The view's own query parameters (a stage, a milestone), kept in its CSV links. */
  params?: Record<string, string>;
  blocks: Array<string | Table>;
}

export const cell = (text: unknown, extra: Omit<Cell, 'text'> = {}): Cell => ({ text: text === null || text === undefined ? '-' : String(text), ...extra });

/** Dates as the seller reads them: admin.timezone. */
export function formatIn(zone: string): (ms: number | null, format?: string) => string {
  return (ms, format = 'yyyy-MM-dd HH:mm') => (ms === null ? '-' : DateTime.fromMillis(ms, { zone }).toFormat(format));
}

function renderCell(c: Cell): string {
  const inner = c.html ?? (c.href ? `<a href="${esc(c.href)}">${esc(c.text)}</a>` : esc(c.text));
  // The words say it; the tone adds colour and a marker (never colour alone).
  return c.tone ? `<td class="tone-${c.tone}">${inner}</td>` : `<td>${inner}</td>`;
}

export function renderTable(t: Table, view: View, filters: Filters): string {
  const csv = linkTo(`${view.path}.csv`, filters, { ...view.params, table: t.id });
  const head = `<h2 id="${t.id}-title">${esc(t.title)}${t.note ? ` <small>${esc(t.note)}</small>` : ''}</h2>`;
  const link = `<p class="csv"><a href="${esc(csv)}" download>Download ${esc(t.title.toLowerCase())} as CSV</a></p>`;
  if (t.rows.length === 0) return `<section aria-labelledby="${t.id}-title">${head}<p class="empty" id="${t.id}">${esc(t.empty ?? 'none')}</p></section>`;
  const headers = t.headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map(renderCell).join('')}</tr>`).join('\n');
  return `<section aria-labelledby="${t.id}-title">${head}<div class="scroll" tabindex="0" role="region" aria-label="${esc(t.title)}"><table id="${t.id}"><thead><tr>${headers}</tr></thead><tbody>
${body}
</tbody></table></div>${link}</section>`;
}

const csvValue = (v: string): string => (/[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${(/^[=+\-@]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"` : v);

/** A table as CSV (RFC 4180; cells that a spreadsheet would run as a formula are quoted and prefixed). */
export function tableCsv(t: Table): string {
  return [t.headers, ...t.rows.map((r) => r.map((c) => c.text))].map((r) => r.map(csvValue).join(',')).join('\r\n') + '\r\n';
}

const CSS = `*{box-sizing:border-box}body{font:1rem/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:1120px;margin:0 auto;padding:12px 16px}header{background:#fff;border-bottom:1px solid #ddd;padding:12px max(16px,calc((100% - 1088px) / 2))}
#search input{width:min(100%,26rem)}
h1{font-size:1.25rem;margin:4px 0}h2{font-size:1.05rem;margin:24px 0 8px}small{color:#5f6368;font-weight:normal}
nav ul{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 16px}nav a[aria-current]{font-weight:700;text-decoration:none;border-bottom:3px solid #1a56db}
a{color:#1a56db}a:focus-visible,button:focus-visible,select:focus-visible,input:focus-visible,summary:focus-visible,.scroll:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:8px 0}form.filters label{display:flex;flex-direction:column;font-size:.85rem}
select,input,button{font:inherit;padding:4px 6px}button{cursor:pointer}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e5e5;vertical-align:top}
th{background:#f1f3f4}td.tone-bad{background:#fde8e8}td.tone-warn{background:#fff4d6}td.tone-ok{background:#e6f4ea}
td.tone-bad{font-weight:600;box-shadow:inset 4px 0 #c5221f}td.tone-warn{box-shadow:inset 4px 0 #b45309}td.tone-ok{box-shadow:inset 4px 0 #137333}
.empty{color:#5f6368}.notice{background:#fff4d6;padding:8px;border-left:4px solid #b45309}.done{background:#e6f4ea;padding:8px;border-left:4px solid #137333}
.csv{font-size:.85rem;margin:4px 0}#deliverability{min-width:44rem}svg{max-width:100%;height:auto;display:block}
.funnel{display:flex;flex-wrap:wrap;gap:6px;list-style:none;padding:0}.funnel li{flex:1 1 120px}
.funnel a{display:block;padding:8px;border-radius:4px;text-decoration:none;color:#1d1d1f;border:1px solid #ccc;background:#fff}
.funnel a b{display:block;font-size:1.4rem}.funnel .bar{display:block;height:6px;background:#1a56db;margin-top:6px}.funnel .side .bar{background:#b45309}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:.85rem}.key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border:1px solid #0003}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{font-weight:600}dd{margin:0}figure{margin:8px 0}details{margin:4px 0}pre{white-space:pre-wrap;word-break:break-all;background:#f1f3f4;padding:8px;font-size:.8rem;max-height:320px;overflow:auto}
.actions form{display:inline-flex;gap:4px;margin:4px 8px 4px 0;flex-wrap:wrap}.gallery{display:flex;flex-wrap:wrap;gap:16px}
.gallery figure{margin:0;max-width:100%}iframe{border:1px solid #ccc;background:#fff}.pattern-note{font-size:.85rem;color:#5f6368}
@media (max-width:600px){main{padding:8px}header{padding:8px}table{font-size:.85rem}th,td{padding:3px 4px}}`;

const NAV: Array<[string, string]> = [['/admin', 'Overview'], ['/admin/lanes', 'Lanes'], ['/admin/letters', 'Letters'], ['/admin/gallery', 'Gallery'], ['/admin/order', 'Find an order'], ['/admin/queues', 'Queues']];

export function filterForm(path: string, filters: Filters, choices: { stores: string[]; carriers: string[]; countries: string[] }): string {
  const select = (name: keyof Filters, label: string, options: string[]) =>
    `<label>${label}<select name="${name}"><option value="">all</option>${options
      .map((o) => `<option value="${esc(o)}"${filters[name] === o ? ' selected' : ''}>${esc(o)}</option>`)
      .join('')}</select></label>`;
  const periods = ['7', '30', '90'].map((d) => `<option value="${d}"${String(filters.period) === d ? ' selected' : ''}>last ${d} days</option>`).join('');
  return `<form class="filters" method="get" action="${esc(path)}" aria-label="filters">
${select('store', 'Store', choices.stores)}<label>Period<select name="period">${periods}</select></label>
${select('carrier', 'Carrier', choices.carriers)}${select('country', 'Country', choices.countries)}<button type="submit">Apply</button></form>`;
}

export function page(view: View, filters: Filters, body: string, extraHead = ''): string {
  const nav = NAV.map(([href, label]) => `<li><a href="${esc(href === '/admin/queues' ? href : linkTo(href, filters))}"${href === view.path ? ' aria-current="page"' : ''}>${label}</a></li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(view.title)} · postship admin</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style>${extraHead}</head><body>
<header><h1>postship <small>seller dashboard · times in ${esc(filters.zone)}</small></h1><nav aria-label="dashboard"><ul>${nav}</ul></nav>
<form method="get" action="/admin/order" role="search" id="search"><label for="q">Find an order</label> <input type="search" id="q" name="q" value="${esc(filters.q ?? '')}"
 placeholder="order id, tracking number or buyer email"> <button type="submit">Search</button></form></header>
<main id="main">${body}</main></body></html>`;
}

/** Renders a view's blocks (tables through renderTable). */
export function renderBlocks(view: View, filters: Filters): string {
  return view.blocks.map((b) => (typeof b === 'string' ? b : renderTable(b, view, filters))).join('\n');
}
