import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { RuntimeError } from '../domain/errors.js';
import type { Milestone } from '../domain/milestones.js';
import { TEMPLATES_DIR } from '../paths.js';
import { helpers } from './helpers.js';

export const TEMPLATE_PARTS = ['subject', 'html', 'text'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

export interface CompiledTemplate {
  /** e.g. `templates/es/customs` or `stores/acme/es/customs`, recorded on the send. */
  name: string;
  locale: string;
  render(part: TemplatePart, context: object): string;
}

/** A template problem is permanent: retrying the same send will not fix it. */
export class TemplateError extends RuntimeError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super('template_error', message, hint ?? 'Fix the template and resend the milestone.', options);
    this.name = 'TemplateError';
  }
}

/** Candidate locale folders, most specific first: `pt-BR` → `pt-BR`, `pt`, then `en`. */
export function localeChain(locale: string): string[] {
  const chain = [locale];
  const language = locale.split('-')[0];
  if (language !== locale) chain.push(language);
  if (!chain.includes('en')) chain.push('en');
  return chain;
}

function registerPartials(hbs: typeof Handlebars, dir: string): void {
  const partialsDir = join(dir, 'partials');
  if (!existsSync(partialsDir)) return;
  for (const file of readdirSync(partialsDir)) {
    if (file.endsWith('.hbs')) hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
  }
}

/**
 * Loads Handlebars templates `<dir>/<locale>/<milestone>.<part>.hbs` with the
 * partials in `<dir>/partials/` (a store folder's own `partials/` override
 * the built-in ones of the same name, for that store's sends). Strict: a missing variable throws instead of
 * rendering blank. Store folders are searched before the built-in one.
 */
export class TemplateSet {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, CompiledTemplate | null>();
  /** Store folders with a `partials/` of their own get an instance where theirs override the built-in ones. */
  private readonly storeInstances = new Map<string, typeof Handlebars>();

  constructor(private readonly builtInDir: string = TEMPLATES_DIR) {
    this.hbs.registerHelper(helpers);
    registerPartials(this.hbs, builtInDir);
  }

  /** The Handlebars instance a template of `dir` compiles with, for `storeDir`'s sends. */
  private instanceFor(storeDir: string | undefined): typeof Handlebars {
    if (!storeDir || !existsSync(join(storeDir, 'partials'))) return this.hbs;
    let instance = this.storeInstances.get(storeDir);
    if (!instance) {
      instance = Handlebars.create();
      instance.registerHelper(helpers);
      registerPartials(instance, this.builtInDir);
      registerPartials(instance, storeDir);
      this.storeInstances.set(storeDir, instance);
    }
    return instance;
  }

  /** Finds the template for a milestone, trying each folder then each locale in the chain. */
  resolve(milestone: Milestone, locale: string, storeDir?: string): CompiledTemplate {
    const dirs = storeDir ? [storeDir, this.builtInDir] : [this.builtInDir];
    for (const loc of localeChain(locale)) {
      for (const dir of dirs) {
        const found = this.load(dir, loc, milestone, storeDir);
        if (found) return found;
      }
    }
    throw new TemplateError(
      `no template for milestone "${milestone}" in locale "${locale}" (looked in ${dirs.join(', ')})`,
      `Add ${join(this.builtInDir, 'en', `${milestone}.subject.hbs`)} (and .html.hbs, .text.hbs).`,
    );
  }

  private load(dir: string, locale: string, milestone: Milestone, storeDir?: string): CompiledTemplate | null {
    const hbs = this.instanceFor(storeDir);
    const key = `${storeDir ?? ''}\u0000${dir}\u0000${locale}\u0000${milestone}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const paths = Object.fromEntries(TEMPLATE_PARTS.map((p) => [p, join(dir, locale, `${milestone}.${p}.hbs`)])) as Record<
      TemplatePart,
      string
    >;
    if (!existsSync(paths.subject)) {
      this.cache.set(key, null);
      return null;
    }
    const compiled = {} as Record<TemplatePart, HandlebarsTemplateDelegate>;
    for (const part of TEMPLATE_PARTS) {
      if (!existsSync(paths[part])) {
        throw new TemplateError(`template ${paths[part]} is missing (every milestone needs subject, html and text)`);
      }
      // Only HTML is escaped: subjects and plain text are not markup.
      compiled[part] = hbs.compile(readFileSync(paths[part], 'utf8'), { strict: true, noEscape: part !== 'html' });
    }
    const name = `${basename(dir)}/${locale}/${milestone}`;
    const template: CompiledTemplate = {
      name,
      locale,
      render: (part, context) => {
        try {
          return compiled[part](context);
        } catch (err) {
          throw new TemplateError(`template ${paths[part]}: ${(err as Error).message}`, undefined, { cause: err });
        }
      },
    };
    this.cache.set(key, template);
    return template;
  }
}
