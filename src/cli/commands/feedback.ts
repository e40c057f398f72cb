import { Command } from 'commander';
import { print, printJson, promoteAfterWrite, withRuntime, type Cli } from '../cli.js';

const SAID: Record<string, string> = {
  thanks_scheduled: 'thanks scheduled (feedback_thanks)',
  low_rating: 'low rating: nothing sent; it is on the seller\'s digest and `postship at-risk`',
  below_threshold: 'below the store\'s threshold: nothing sent',
  already_thanked: 'the buyer was already thanked for this order: nothing sent',
  order_cancelled: 'the order is cancelled: nothing sent',
  order_returned: 'the parcel was returned: nothing sent',
  duplicate: 'already recorded',
};

async function feedback(cli: Cli, orderId: string, o: { rating: string; text?: string; json?: boolean }): Promise<void> {
  const { recordFeedback } = await import('../../services/feedback.js');
  await withRuntime(cli, async (runtime) => {
    const result = await recordFeedback(
      { ...runtime.orderDeps(), file: runtime.config.file },
      { orderId, rating: o.rating === undefined ? undefined : Number(o.rating.trim() === '' ? NaN : o.rating), comment: o.text, source: 'cli' },
    );
    if (result.send) await promoteAfterWrite(runtime, 'the thanks letter');
    if (o.json) printJson(cli, { orderId, feedbackId: result.feedbackId, rating: result.rating, outcome: result.outcome, sendId: result.send?.id ?? null });
    else print(cli, `order ${orderId}: rating ${result.rating} recorded; ${SAID[result.outcome]}`);
  });
}

export function feedbackCommand(cli: Cli): Command {
  return new Command('feedback')
    .description("record a buyer's rating: at or above the store's threshold (default 4) thanks the buyer once; 2 or less alerts the seller")
    .argument('<order-id>', 'the order id')
    .requiredOption('--rating <1-5>', 'the rating the buyer gave')
    .option('--text <comment>', "the buyer's comment, if any")
    .option('--json', 'print JSON: {orderId, feedbackId, rating, outcome, sendId}')
    .addHelpText('after', '\nExample:\n  $ postship feedback AE-1001 --rating 5 --text "Fast and as described"')
    .action((orderId: string, options: { rating: string; text?: string; json?: boolean }) => feedback(cli, orderId, options));
}
