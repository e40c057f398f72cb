import { Command } from 'commander';
import { CARRIERS } from '../../domain/carriers.js';
import { COUNTRIES } from '../../domain/countries.js';
import { InputError } from '../../domain/errors.js';
import { isMilestone, MILESTONES, type Milestone } from '../../domain/milestones.js';
import { formatTable } from '../../report/timeline.js';
import { cliConfig, print, printJson, type Cli } from '../cli.js';

interface CheckFlags {
  json?: boolean;
  locale?: string[];
  milestone?: string[];
  store?: string;
}

async function check(cli: Cli, o: CheckFlags): Promise<void> {
  const config = await cliConfig(cli);
  // handlebars and the template checks, loaded when they run.
  const [{ checkTemplates }, { TemplateSet }, { storeConfig }] = await Promise.all([
    import('../../mail/check-templates.js'),
    import('../../mail/templates.js'),
    import('../../config/config-file.js'),
  ]);
  const problems: string[] = [];
  const milestones = (o.milestone ?? []).filter((m) => {
    if (!isMilestone(m)) problems.push(`--milestone ${JSON.stringify(m)} is not one of ${MILESTONES.join(', ')}`);
    return isMilestone(m);
  }) as Milestone[];
  const store = o.store ? storeConfig(config.file, o.store) : undefined;
  if (o.store && !store) problems.push(`--store ${JSON.stringify(o.store)} is not in the config file (stores: ${Object.keys(config.file.stores).join(', ') || 'none'})`);
  if (problems.length > 0) throw new InputError('flag_invalid', problems);
  const result = checkTemplates(new TemplateSet(), {
    locales: o.locale?.length ? o.locale : undefined,
    milestones: milestones.length ? milestones : undefined,
    storeDir: store?.templates,
    today: new Date().toISOString().slice(0, 10),
  });
  for (const warning of result.warnings) print(cli, `warning: ${warning}`);
  if (!result.ok) cli.exitCode = 1;
  if (o.json) return printJson(cli, result);
  if (result.ok) {
    print(cli, `templates ok: ${result.rendered} renders (${CARRIERS.length} carriers, ${COUNTRIES.size} countries) without a problem`);
    return;
  }
  print(cli, `${result.failures.length} problem(s) in ${result.rendered} renders:`);
  print(
    cli,
    formatTable(
      ['milestone', 'locale', 'carrier', 'country', 'problem'],
      result.failures.map((f) => [f.variant ? `${f.milestone}/${f.variant}` : f.milestone, f.locale, f.carrier, f.country, f.message.slice(0, 60)]),
    ),
  );
}

export function templatesCommand(cli: Cli): Command {
  const templates = new Command('templates').description('work with the message templates');
  templates
    .command('check')
    .description('render every milestone x locale x a sample of carriers and countries with strict variables; list every failure')
    .option('--locale <locale...>', 'only these locales')
    .option('--milestone <milestone...>', `only these milestones (${MILESTONES.join(', ')})`)
    .option('--store <store>', "also look in this store's templates folder first")
    .option('--json', 'print JSON: {ok, rendered, failures[]}')
    .addHelpText('after', `\nExit code 1 when anything fails.\n\nExample:\n  $ postship templates check --locale es pt-BR`)
    .action((options: CheckFlags) => check(cli, options));
  return templates;
}
