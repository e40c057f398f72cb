import { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import { setDispute } from '../../services/orders.js';
import { print, printJson, promoteAfterWrite, withRuntime, type Cli } from '../cli.js';

async function dispute(cli: Cli, orderId: string, o: { open?: boolean; close?: boolean; json?: boolean }): Promise<void> {
  if (Boolean(o.open) === Boolean(o.close)) throw new InputError('dispute_invalid', ['give exactly one of --open or --close']);
  await withRuntime(cli, async (runtime) => {
    const result = setDispute(runtime.orderDeps(), orderId, Boolean(o.open));
    if (result.released > 0) await promoteAfterWrite(runtime, 'the released review request');
    if (o.json) printJson(cli, result);
    else if (result.open) print(cli, `order ${orderId}: dispute open; the review request is held until it closes`);
    else print(cli, `order ${orderId}: dispute closed; ${result.released} held review request(s) released`);
  });
}

export function disputeCommand(cli: Cli): Command {
  return new Command('dispute')
    .description("record a buyer's dispute: review requests wait while it is open")
    .argument('<order-id>', 'the order id')
    .option('--open', 'the buyer opened a dispute')
    .option('--close', 'the dispute is closed')
    .option('--json', 'print JSON: {orderId, open, released}')
    .addHelpText('after', '\nExample:\n  $ postship dispute AE-1001 --open\n  $ postship dispute AE-1001 --close')
    .action((orderId: string, options: { open?: boolean; close?: boolean; json?: boolean }) => dispute(cli, orderId, options));
}
