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

export function renderMessage(
  templates: TemplateSet,
  milestone: Milestone,
  context: RenderContext,
  storeDir?: string,
): RenderedMessage {
  const template = templates.resolve(milestone, context.buyer.locale, storeDir);
  return {
    subject: oneLine(template.render('subject', context)),
    html: template.render('html', context),
    text: template.render('text', context),
    template: template.name,
    locale: template.locale,
  };
}
