import { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import { DISPUTE_REASONS } from '../../domain/replies.js';
import { print, printJson, promoteAfterWrite, withRuntime, type Cli } from '../cli.js';

interface DisputeOptions { open?: boolean; close?: boolean; reason?: string; reply?: boolean; json?: boolean }

async function dispute(cli: Cli, orderId: string, o: DisputeOptions): Promise<void> {
  if (Boolean(o.open) === Boolean(o.close)) throw new InputError('dispute_invalid', ['give exactly one of --open or --close']);
  if (o.close && (o.reason !== undefined || o.reply)) throw new InputError('dispute_invalid', ['--reason and --reply go with --open']);
  const { closeDispute, openDispute, parseDisputeReason } = await import('../../services/disputes.js');
  const reason = parseDisputeReason(o.reason);
  await withRuntime(cli, async (runtime) => {
    const deps = { ...runtime.orderDeps(), file: runtime.config.file };
    if (o.open) {
      const result = await openDispute(deps, orderId, reason, { reply: o.reply });
      if (result.reply) await promoteAfterWrite(runtime, 'the dispute reply');
      if (o.json) printJson(cli, { orderId, open: true, reason: result.reason, seq: result.seq, alreadyOpen: result.alreadyOpen, replySendId: result.reply?.id ?? null, released: 0 });
      else if (result.alreadyOpen) print(cli, `order ${orderId}: a dispute (${result.reason}) is already open; nothing new recorded or sent`);
      else print(cli, `order ${orderId}: dispute open (${reason}); the review request is held until it closes${result.reply ? '; dispute_reply scheduled' : ''}`);
      return;
    }
    const result = await closeDispute(deps, orderId);
    if (result.released > 0) await promoteAfterWrite(runtime, 'the released review request');
    await runtime.removeJobs(result.repliesCancelled); // a courtesy: the worker re-checks the row
    if (o.json) printJson(cli, { orderId, open: false, released: result.released, repliesCancelled: result.repliesCancelled.length });
    else print(cli, `order ${orderId}: dispute closed; ${result.released} held review request(s) released`);
  });
}

export function disputeCommand(cli: Cli): Command {
  return new Command('dispute')
    .description("record a buyer's dispute and its reason: review requests wait while it is open; not_received and not_as_described get a reply")
    .argument('<order-id>', 'the order id')
    .option('--open', 'the buyer opened a dispute')
    .option('--close', 'the dispute is closed')
    .option('--reason <reason>', `why, with --open: ${DISPUTE_REASONS.join(' | ')} (default other)`)
    .option('--reply', 'with --open --reason other: send the dispute reply as well')
    .option('--json', 'print JSON: {orderId, open, reason, seq, alreadyOpen, replySendId, released}')
    .addHelpText('after', '\nExample:\n  $ postship dispute AE-1001 --open --reason not_received\n  $ postship dispute AE-1001 --close')
    .action((orderId: string, options: DisputeOptions) => dispute(cli, orderId, options));
}
