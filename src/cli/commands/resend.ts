import { Command } from 'commander';
import { MILESTONES } from '../../domain/milestones.js';
import { print, printJson, promoteAfterWrite, withRuntime, type Cli } from '../cli.js';
import { isoUtc } from '../format.js';

async function resend(cli: Cli, orderId: string, milestone: string, o: { json?: boolean }): Promise<void> {
  const { resendMilestone } = await import('../../services/orders.js');
  await withRuntime(cli, async (runtime) => {
    const row = await resendMilestone(runtime.orderDeps(), orderId, milestone);
    let queued: number | null = null;
    let failure: unknown = null;
    try {
      queued = await promoteAfterWrite(runtime, 'the resend is');
    } catch (err) {
      failure = err;
    }
    if (o.json) printJson(cli, { orderId, milestone, sendId: row.id, resendOf: row.resendOf, dueUtc: isoUtc(row.dueAt), queued: queued !== null });
    else print(cli, `order ${orderId}: ${milestone} will be sent again now (send ${row.id}, resend of ${row.resendOf})`);
    if (failure) throw failure;
  });
}

export function resendCommand(cli: Cli): Command {
  return new Command('resend')
    .description('send a milestone again on purpose (recorded as a new send linked to the first)')
    .argument('<order-id>', 'the order id')
    .argument('<milestone>', MILESTONES.join(' | '))
    .option('--json', 'print JSON: {orderId, milestone, sendId, resendOf, dueUtc, queued}')
    .addHelpText('after', '\nExample:\n  $ postship resend AE-1001 customs')
    .action((orderId: string, milestone: string, options: { json?: boolean }) => resend(cli, orderId, milestone, options));
}
