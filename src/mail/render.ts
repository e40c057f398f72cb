import type { Milestone } from '../domain/milestones.js';
import type { RenderContext } from './context.js';
import type { TemplateSet } from './templates.js';

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  template: string;
  locale: string;
}

/** Header values must be one line: a CR/LF from a buyer's name must never start a new header. */
export function oneLine(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

/**
 * A sentence that ends on an abbreviation takes one period: Polish dates end in "r."
 * ("20 listopada 2026 r."), and a template's full stop after one must not make it "r..".
 */
function finish(locale: string, text: string): string {
  return locale.split('-')[0] === 'pl' ? text.replace(/ r\.((?:<\/[a-z]+>)*)\./g, ' r.$1') : text;
}

export function renderMessage(
  templates: TemplateSet,
  milestone: Milestone,
  context: RenderContext,
  storeDir?: string,
): RenderedMessage {
  const template = templates.resolve(milestone, context.buyer.locale, storeDir);
  return {
    subject: finish(template.locale, oneLine(template.render('subject', context))),
    html: finish(template.locale, template.render('html', context)),
    text: finish(template.locale, template.render('text', context)),
    template: template.name,
    locale: template.locale,
  };
}
