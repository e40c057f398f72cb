import { Command } from 'commander';
import { findCarrier } from '../../domain/carriers.js';
import { isIsoCountry } from '../../domain/countries.js';
import { InputError } from '../../domain/errors.js';
import { MIN_SAMPLES, transitReport, type TransitReportRow } from '../../services/learned-transit.js';
import { print, printJson, terminalWidth, withLedger, type Cli } from '../cli.js';
import { fitTable } from '../format.js';

interface TransitOptions {
  carrier?: string;
  country?: string;
  json?: boolean;
}

function validate(o: TransitOptions): void {
  const problems: string[] = [];
  if (o.carrier !== undefined && !findCarrier(o.carrier)) problems.push(`--carrier: ${JSON.stringify(o.carrier)} is not a known carrier`);
  if (o.country !== undefined && !isIsoCountry(o.country.trim().toUpperCase())) {
    problems.push(`--country: ${JSON.stringify(o.country)} is not an ISO 3166-1 alpha-2 country code`);
  }
  if (problems.length > 0) throw new InputError('bad_transit_filter', problems, 'e.g. --carrier china-post --country ES');
}

const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function row(r: TransitReportRow): string[] {
  return [
    r.carrier,
    r.country,
    `${r.builtin.min}-${r.builtin.max}`,
    String(r.samples),
    r.learned ? num(r.learned.medianDays) : '-',
    r.learned ? num(r.learned.p90Days) : '-',
    r.learned ? `${r.learned.min}-${r.learned.max}` : `${r.builtin.min}-${r.builtin.max}`,
    r.inUse,
  ];
}

async function transit(cli: Cli, o: TransitOptions): Promise<void> {
  validate(o);
  await withLedger(cli, async (runtime) => {
    const carrier = o.carrier === undefined ? undefined : findCarrier(o.carrier)!.code;
    const rows = await transitReport(runtime.ledger, { carrier, country: o.country?.trim() });
    if (o.json) {
      printJson(cli, { minSamples: MIN_SAMPLES, rows });
      return;
    }
    if (rows.length === 0) {
      print(cli, 'no orders in the ledger for this filter');
      return;
    }
    const headers = ['carrier', 'cc', 'built-in', 'samples', 'median', 'p90', 'in use', 'source'];
    print(cli, fitTable(headers, rows.map(row), terminalWidth(cli)));
    print(cli, cli.colors.dim(`business days, destination weekend skipped; learned from ${MIN_SAMPLES} deliveries`));
  });
}

export function transitCommand(cli: Cli): Command {
  return new Command('transit')
    .description('expected transit per carrier x country: built-in vs learned from deliveries')
    .option('--carrier <code>', 'only this carrier')
    .option('--country <cc>', 'only this destination (ISO 3166-1 alpha-2)')
    .option('--json', 'print JSON: {minSamples, rows}')
    .addHelpText(
      'after',
      `
Once ${MIN_SAMPLES} orders of a carrier x country are delivered, their median and
90th percentile (business days) replace the built-in window in texts.

Examples:
  $ postship transit
  $ postship transit --carrier china-post --country ES --json`,
    )
    .action((options: TransitOptions) => transit(cli, options));
}
