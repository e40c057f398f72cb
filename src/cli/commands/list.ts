import { Command } from 'commander';
import { print, printJson, terminalWidth, withLedger, type Cli } from '../cli.js';
import { fitTable, utcTime } from '../format.js';
import type { FilterFlags } from '../../store/send-list.js';
import { addFilterOptions, parsePaging, sendView, validateAll, type PagingFlags } from '../send-rows.js';

type ListOptions = FilterFlags & PagingFlags & { json?: boolean };

async function list(cli: Cli, o: ListOptions): Promise<void> {
  const { parseFilter } = await import('../../store/send-list.js'); // drizzle-orm: not for `--help`
  const [filter, paging] = validateAll(() => parseFilter(o), () => parsePaging(o, 50));
  const limit = paging.limit ?? 50;
  await withLedger(cli, async (runtime) => {
    const counted = await runtime.ledger.countSends(filter);
    const total = counted.n;
    const rows = await runtime.ledger.listSends(filter, limit, paging.offset);
    if (o.json) {
      printJson(cli, { total, totalCapped: counted.capped, limit, offset: paging.offset, rows: rows.map(sendView) });
      return;
    }
    if (rows.length === 0) {
      print(cli, total === 0 ? 'no sends match' : `no sends on this page (${counted.capped ? 'more than ' : ''}${total} match)`);
      return;
    }
    const table = rows.map((r) => [
      r.orderId,
      r.resendOf ? `${r.milestone}*` : r.milestone,
      r.status,
      utcTime(r.dueAt),
      r.carrier,
      r.country,
      r.store,
    ]);
    print(cli, fitTable(['order', 'milestone', 'status', 'due (UTC)', 'carrier', 'cc', 'store'], table, terminalWidth(cli)));
    const first = paging.offset + 1;
    const page = Math.floor(paging.offset / limit) + 1;
    const more = first + rows.length - 1 < total ? `; next: --page ${page + 1}` : '';
    print(cli, cli.colors.dim(`rows ${first}-${first + rows.length - 1} of ${counted.capped ? `more than ${total.toLocaleString('en')}` : total}${more}${rows.some((r) => r.resendOf) ? '  (* resend)' : ''}`));
  });
}

export function listCommand(cli: Cli): Command {
  const command = new Command('list').description('list sends, filtered and paged (reads the database only)');
  return addFilterOptions(command)
    .option('--limit <n>', 'rows per page (default 50)')
    .option('--page <n>', 'page number, from 1')
    .option('--offset <n>', 'rows to skip (instead of --page)')
    .option('--json', 'print JSON: {total, totalCapped, limit, offset, rows}; total counts up to 1,000 (totalCapped: true beyond)')
    .addHelpText(
      'after',
      `
Rows are ordered by due time. Times are UTC; --json adds buyer-local times.

Examples:
  $ postship list --status failed --since 2026-11-01
  $ postship list --milestone customs --country BR,MX --limit 20 --page 2`,
    )
    .action((options: ListOptions) => list(cli, options));
}
