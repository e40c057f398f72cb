import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { Command } from 'commander';
import { RuntimeError } from '../../domain/errors.js';
import { printJson, warn, withLedger, type Cli } from '../cli.js';
import { csvLine } from '../format.js';
import type { FilterFlags } from '../../store/send-list.js';
import { addFilterOptions, EXPORT_COLUMNS, parsePaging, sendView, validateAll, type PagingFlags } from '../send-rows.js';

type ExportOptions = FilterFlags & PagingFlags & { out?: string; json?: boolean };

/** Writes respecting backpressure, so a large export streams instead of buffering. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

function openOut(cli: Cli, path: string | undefined): Writable {
  if (!path) return cli.stdout;
  const file = createWriteStream(path);
  return file;
}

async function exportCsv(cli: Cli, o: ExportOptions): Promise<void> {
  const { parseFilter } = await import('../../store/send-list.js'); // drizzle-orm: not for `--help`
  const [filter, paging] = validateAll(() => parseFilter(o), () => parsePaging(o, null));
  await withLedger(cli, async (runtime) => {
    const out = openOut(cli, o.out);
    const failed = o.out
      ? new Promise<never>((_, reject) =>
          out.once('error', (err) =>
            reject(new RuntimeError('export_write_failed', `cannot write ${o.out}: ${err.message}`, 'Check the folder exists and is writable.')),
          ),
        )
      : null;
    failed?.catch(() => undefined);
    let rows = 0;
    let skipped = 0;
    const work = (async () => {
      await write(out, csvLine(EXPORT_COLUMNS.map(([name]) => name)));
      for await (const row of runtime.ledger.iterateSends(filter)) {
        if (skipped < paging.offset) {
          skipped += 1;
          continue;
        }
        if (paging.limit !== null && rows >= paging.limit) break;
        const view = sendView(row);
        await write(out, csvLine(EXPORT_COLUMNS.map(([, key]) => view[key])));
        rows += 1;
      }
      if (o.out) {
        out.end();
        await once(out, 'finish');
      }
    })();
    await (failed ? Promise.race([work, failed]) : work);
    if (o.out) {
      if (o.json) printJson(cli, { file: o.out, rows });
      else warn(cli, `wrote ${rows} rows to ${o.out}`);
    }
  });
}

export function exportCommand(cli: Cli): Command {
  const command = new Command('export').description('write the sends `list` shows as CSV (all matching rows unless --limit)');
  return addFilterOptions(command)
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--limit <n>', 'at most this many rows')
    .option('--page <n>', 'page number, from 1 (with --limit)')
    .option('--offset <n>', 'rows to skip')
    .option('--json', 'with --out: print {file, rows} as JSON')
    .addHelpText(
      'after',
      `
Columns: ${wrap(EXPORT_COLUMNS.map(([name]) => name).join(', '), 70)}

Examples:
  $ postship export --status sent --since 2026-11-01 --out november.csv
  $ postship export --store acme | gzip > acme.csv.gz`,
    )
    .action((options: ExportOptions) => exportCsv(cli, options));
}

/** Wraps a comma-separated list at spaces so help text fits 80 columns. */
function wrap(text: string, width: number): string {
  return text.replace(new RegExp(`(.{1,${width}})(?:, |$)`, 'g'), (_m, line: string) => `${line},\n  `).replace(/,\n {2}$/, '');
}
