import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import type { TrackingWarning } from '../../domain/tracking-number.js';
import { startImportReader } from '../../import/reader.js';
import type { PreparedBatch } from '../../import/batches.js';
import type { ImportSummary } from '../../import/write.js';
import { cliConfig, print, printJson, promoteAfterWrite, warn, withRuntime, type Cli } from '../cli.js';

interface ImportOptions {
  json?: boolean;
  batch?: string;
}

const SHOWN_INVALID = 1000;
/**
 * Rows per transaction. Each commit writes every index page its rows touched,
 * and due times land all over the due indexes: at 1,000 rows a 100,000-row
 * import wrote 2 GB of WAL for a 127 MB ledger, at 5,000 it writes 0.6 GB
 * (14.4 s against 17.3 s). A transaction holds the write lock about half a
 * second, well inside the daemon's 5 s busy timeout.
 */
const DEFAULT_BATCH = 5000;

/** Rows accepted although their tracking number fits no format of their carrier: counted, the first ones kept. */
interface NumberWarnings {
  count: number;
  rows: Array<{ line: number } & TrackingWarning>;
}

/** Passes the batches through unchanged, counting the rows the reader found with a number that fits none of their carrier's formats. */
async function* noteNumberWarnings(batches: AsyncIterable<PreparedBatch>, into: NumberWarnings): AsyncGenerator<PreparedBatch> {
  for await (const batch of batches) {
    for (const row of batch.valid) {
      const warning = row.numberWarning;
      if (!warning) continue;
      into.count += 1;
      if (into.rows.length < SHOWN_INVALID) into.rows.push({ line: row.line, ...warning });
    }
    yield batch;
  }
}

function fileSize(file: string): number {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a regular file');
    return stat.size;
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new InputError('import_unreadable', [`${file}: cannot read: ${reason}`]);
  }
}

/** A progress bar on stderr, only when a person watches a terminal (cli-progress is loaded only then). */
async function progressBar(cli: Cli, total: number) {
  if (!cli.stderr.isTTY) return null;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { format: 'importing [{bar}] {percentage}% | {rows} rows | {eta_formatted} left', stream: cli.stderr as NodeJS.WritableStream, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 1), 0, { rows: 0 });
  return bar;
}

function printSummary(cli: Cli, file: string, s: ImportSummary, numbers: NumberWarnings, queued: number | null, seconds: number): void {
  const { green, yellow, red, bold } = cli.colors;
  const name = basename(file);
  for (const row of s.invalidRows) {
    for (const problem of row.problems) warn(cli, `${name} line ${row.line}: ${problem}`);
  }
  if (s.invalid > s.invalidRows.length) warn(cli, `... and ${s.invalid - s.invalidRows.length} more invalid rows not shown`);
  for (const row of s.conflicts) for (const problem of row.problems) warn(cli, `${name} line ${row.line}: warning: ${problem}`);
  if (s.conflicting > s.conflicts.length) warn(cli, `... and ${s.conflicting - s.conflicts.length} more rows with a known order id and other data not shown`);
  // One example, not one line per row: a whole file from the wrong carrier would bury the other warnings.
  const first = numbers.rows[0];
  if (first) {
    const more = numbers.count > 1 ? ` (and ${numbers.count - 1} more rows like it: --json lists them)` : '';
    warn(cli, `${name} line ${first.line}: warning: ${first.message}${more}`);
  }
  const rate = seconds > 0 ? Math.round(s.rows / seconds) : s.rows;
  print(cli, bold(`${name}: ${s.rows} rows in ${seconds.toFixed(1)} s (${rate} rows/s)`));
  print(cli, `  imported       ${green(String(s.imported))}`);
  print(cli, `  already known  ${yellow(String(s.alreadyKnown))}${s.conflicting > 0 ? ` (${s.conflicting} with other data: see the warnings)` : ''}`);
  print(cli, `  invalid        ${s.invalid > 0 ? red(String(s.invalid)) : '0'}`);
  if (numbers.count > 0) print(cli, `  odd numbers    ${yellow(String(numbers.count))} (accepted; tracking numbers that fit no format of their carrier)`);
  if (queued !== null) print(cli, `  queued now     ${queued}`);
}

async function importFile(cli: Cli, file: string, o: ImportOptions): Promise<void> {
  const batchSize = o.batch === undefined ? DEFAULT_BATCH : Number(o.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new InputError('flag_invalid', [`--batch ${JSON.stringify(o.batch)} must be a whole number from 1 to 10000`]);
  }
  const size = fileSize(file);
  const started = performance.now();
  const config = await cliConfig(cli);
  const { DEFAULT_REDIS_URL } = await import('../../config/config.js'); // loaded already, by cliConfig
  // The reader thread starts first: it loads its modules and parses the first
  // rows while this thread loads the ledger's modules and opens the database.
  const reader = startImportReader(file, config.file, batchSize, { redisUrl: config.redisUrl ?? DEFAULT_REDIS_URL, settings: config });
  try {
    const { runImport } = await import('../../import/run.js');
    await withRuntime(
      cli,
      async (runtime) => {
        const bar = await progressBar(cli, size);
        runtime.checkpointInBackground(); // the WAL of a large import is copied back on another thread
        const numbers: NumberWarnings = { count: 0, rows: [] };
        let run: Awaited<ReturnType<typeof runImport>>;
        try {
          run = await runImport({ ...runtime.orderDeps(), horizonMs: runtime.config.horizonMs }, reader, noteNumberWarnings(reader.batches, numbers), {
            keepInvalid: SHOWN_INVALID,
            onProgress: (s, bytes) => bar?.update(bytes, { rows: s.rows }),
          });
        } finally {
          bar?.stop();
          await reader.close();
        }
        const { summary, queuedEarly } = run;
        const seconds = (performance.now() - started) / 1000;
        let queued: number | null = null;
        let failure: unknown = null;
        try {
          if (summary.imported > 0) queued = queuedEarly + (await promoteAfterWrite(runtime, `${summary.imported} imported orders are`));
          else queued = 0;
        } catch (err) {
          failure = err;
        }
        const numberWarnings = { numberWarnings: numbers.count, numberWarningRows: numbers.rows };
        if (o.json) printJson(cli, { file, ...summary, ...numberWarnings, queued, seconds: Number(seconds.toFixed(3)) });
        else printSummary(cli, file, summary, numbers, queued, seconds);
        if (failure) throw failure;
        // Valid rows are in; invalid ones are bad input the seller has to fix.
        if (summary.invalid > 0) cli.exitCode = 2;
      },
      config,
      { createLedger: true },
    );
  } finally {
    await reader.close(); // a no-op once closed; stops the thread when the ledger could not be opened
  }
}

export function importCommand(cli: Cli): Command {
  return new Command('import')
    .description('bulk-import a CSV order export (streamed; safe to re-run)')
    .argument('<file.csv>', 'CSV file with a header row')
    .option('--json', 'print the summary as JSON')
    .option('--batch <rows>', 'rows per database transaction', String(DEFAULT_BATCH))
    .addHelpText(
      'after',
      `
Columns (header names matched ignoring case, spaces and dashes):
  required: order_id, buyer_email, country, carrier, tracking_number
  optional: buyer_name, shipped_at (ISO-8601, default now), store,
            locale (BCP 47), timezone (IANA)

Invalid rows are reported with their line number and skipped; valid rows are
imported anyway. Orders already known are left as they are. Exit code 0 when
every row is valid, 2 when some rows were invalid, 1 on a runtime failure.

Example:
  $ postship import orders-2026-11-20.csv`,
    )
    .action((file: string, options: ImportOptions) => importFile(cli, file, options));
}
