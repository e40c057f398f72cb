import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import { type RecordedEvents } from '../../store/mail-events.js';
import { print, printJson, withLedger, type Cli } from '../cli.js';

/** The .eml files a path names: the file itself, or a folder's (not its subfolders'). */
function emlFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError('bounces_path', [`${path}: no such file or folder`], 'Give a bounce message (.eml) or a folder of them, e.g. the bounce mailbox\'s Maildir/new.');
  }
  if (stat.isFile()) return [path];
  return readdirSync(path).filter((n) => !n.startsWith('.')).sort().map((n) => join(path, n)).filter((f) => statSync(f).isFile());
}

interface FileResult {
  file: string;
  outcome: 'ingested' | 'not_a_dsn';
  recipients: number;
}

async function ingest(cli: Cli, path: string, o: { json?: boolean }): Promise<void> {
  const files = emlFiles(resolve(path));
  if (files.length === 0) throw new InputError('bounces_empty', [`${path}: the folder holds no files`], 'Point at the folder your bounce mailbox delivers to.');
  const { dsnEvents, parseDsn } = await import('../../mail/dsn.js'); // mailparser: loaded only to read bounces
  await withLedger(cli, async (runtime) => {
    const total: RecordedEvents = { stored: 0, duplicates: 0, unmatched: 0, suppressed: 0 };
    const results: FileResult[] = [];
    for (const file of files) {
      const raw = readFileSync(file);
      const report = await parseDsn(raw);
      if (!report) {
        results.push({ file, outcome: 'not_a_dsn', recipients: 0 });
        continue;
      }
      const key = createHash('sha256').update(raw).digest('hex').slice(0, 24);
      const now = runtime.clock.now().toMillis();
      const r = await runtime.ledger.recordMailEvents(dsnEvents(report, key, now), now);
      for (const k of Object.keys(total) as Array<keyof RecordedEvents>) total[k] += r[k];
      results.push({ file, outcome: 'ingested', recipients: report.recipients.length });
    }
    const skipped = results.filter((r) => r.outcome === 'not_a_dsn');
    if (o.json) printJson(cli, { files: results, ...total });
    else {
      for (const s of skipped) print(cli, `${s.file}: not a delivery status notification (no message/delivery-status part): skipped`);
      print(cli, `${results.length - skipped.length} bounce(s) read: ${total.stored} event(s) stored, ${total.duplicates} already known, ${total.suppressed} address(es) suppressed, ${total.unmatched} not matched to a sent message`);
    }
    // A single file that is not a DSN is a mistake worth an exit code; a mailbox folder holds other mail too.
    if (files.length === 1 && skipped.length === 1) {
      throw new InputError('bounces_not_dsn', [`${files[0]} is not a delivery status notification (RFC 3464 multipart/report with a message/delivery-status part)`], 'Give the bounce message as received (.eml), not a forwarded copy.');
    }
  });
}

export function bouncesCommand(cli: Cli): Command {
  const bounces = new Command('bounces').description('bounce mail for plain SMTP: read RFC 3464 delivery status notifications');
  bounces
    .command('ingest')
    .description('read bounce messages (.eml, or a folder of them): hard bounces suppress the address; matched to the send by VERP (bounces+<send id>@) or Message-ID')
    .argument('<path>', 'an .eml file or a folder of them')
    .option('--json', 'print JSON: {files: [{file, outcome, recipients}], stored, duplicates, unmatched, suppressed}')
    .addHelpText('after', '\nExit code 2 when the path is missing, or a single file is not a bounce.\n\nExample:\n  $ postship bounces ingest ~/Maildir/bounces/new')
    .action((path: string, options: { json?: boolean }) => ingest(cli, path, options));
  return bounces;
}
