import { Command } from 'commander';
import { MILESTONES } from '../../domain/milestones.js';
import type { Cli } from '../cli.js';
import type { PreviewOptions } from './preview-run.js';

export function previewCommand(cli: Cli): Command {
  return new Command('preview')
    .description('render a milestone email: subject and text here, HTML to a file')
    .argument('<milestone>', MILESTONES.join(' | '))
    .option('--carrier <code>', 'carrier for the sample order')
    .option('--country <CC>', 'destination country for the sample order')
    .option('--locale <bcp47>', "language (default: the country's)")
    .option('--store <store>', 'store id, for its name, signature and templates')
    .option('--order <id>', 'use a real order from the database instead of sample data')
    .option('--reason <reason>', 'dispute_reply: not_received | not_as_described | other (default: the order\'s dispute, else not_received)')
    .option('--rating <1-5>', 'feedback_thanks with sample data: the rating (default 5)')
    .option('--out <file>', 'where to write the HTML (default: previews/<milestone>-<locale>-<carrier>-<country>.html)')
    .option('--json', 'print JSON: {subject, text, htmlPath, template, locale}')
    .option('--channel <channel>', 'email (default) or webhook: print the JSON the store\'s webhook channel receives')
    .addHelpText('after', '\nExamples:\n  $ postship preview customs --carrier china-post --country ES\n  $ postship preview day14 --order AE-1001 --locale en\n  $ postship preview dispute_reply --order AE-1001 --reason not_received')
    .action(async (milestone: string, options: PreviewOptions) => (await import('./preview-run.js')).preview(cli, milestone, options));
}
