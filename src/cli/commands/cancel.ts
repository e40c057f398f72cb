import { Command, Option } from 'commander';
import { CANCEL_REASONS } from '../../domain/cancel-reasons.js';
import { print, printJson, withRuntime, type Cli } from '../cli.js';
import { PostshipError, RuntimeError } from '../../domain/errors.js';

async function cancel(cli: Cli, orderId: string, o: { reason: string; json?: boolean }): Promise<void> {
  const { cancelOrder } = await import('../../services/orders.js');
  await withRuntime(cli, async (runtime) => {
    const ids = await cancelOrder(runtime.orderDeps(), orderId, o.reason);
    const cancelled: Array<{ sendId: number; milestone: string | null }> = [];
    for (const id of ids) cancelled.push({ sendId: id, milestone: (await runtime.ledger.getSend(id))?.milestone ?? null });
    let failure: unknown = null;
    try {
      await runtime.removeJobs(ids);
    } catch (err) {
      // The ledger already says cancelled and the worker re-reads it before sending, so nothing goes out.
      failure =
        err instanceof PostshipError && err.code === 'redis_unavailable'
          ? new RuntimeError('redis_unavailable', `the cancel is recorded but queued jobs were not removed: ${err.message}`, `${err.hint ?? ''} The worker skips cancelled sends anyway.`.trim(), { cause: err })
          : err;
    }
    if (o.json) printJson(cli, { orderId, reason: o.reason, cancelled, jobsRemoved: failure ? 0 : ids.length });
    else if (ids.length === 0) print(cli, `order ${orderId}: cancelled (${o.reason}); no pending messages were left`);
    else print(cli, `order ${orderId}: cancelled (${o.reason}); ${ids.length} pending message(s) stopped: ${cancelled.map((c) => c.milestone).join(', ')}`);
    if (failure) throw failure;
  });
}

export function cancelCommand(cli: Cli): Command {
  return new Command('cancel')
    .description('cancel every pending message of an order and record why')
    .argument('<order-id>', 'the order id')
    .addOption(new Option('--reason <reason>', 'why the order is cancelled').choices(CANCEL_REASONS).makeOptionMandatory())
    .option('--json', 'print JSON: {orderId, reason, cancelled, jobsRemoved}')
    .addHelpText('after', '\nLater tracking events for the order schedule nothing.\n\nExample:\n  $ postship cancel AE-1001 --reason refund')
    .action((orderId: string, options: { reason: string; json?: boolean }) => cancel(cli, orderId, options));
}
