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

const RLM = '\u200F';
const LRI = '\u2066';
const PDI = '\u2069';
/**
 * A left-to-right run: a Latin word or number ("AE-1", "10–22", "1,000"), then further
 * words that start with a letter, parenthesised or not ("AliExpress Standard Shipping (Cainiao)");
 * a number never swallows the "(" after it ("2026 (15–30": two runs, the brackets stay neutral).
 */
const W = 'A-Za-z0-9\\u00C0-\\u024F';
const LTR_RUN = new RegExp(`[${W}](?:[${W}.,'’&/#+\\-–_]*[${W}])?(?: \\(?[A-Za-z\\u00C0-\\u024F](?:[${W}.'’&/#+\\-–_]*[${W}])?\\)?)*`, 'g');
/** URLs and email addresses stay as they are: a mark inside or at the edge of one breaks its link. */
const LINK = /(\S*(?::\/\/|@)\S*)/;

/**
 * The plain-text part of a right-to-left letter: each line starts with RLM (U+200F) so a
 * viewer takes it as right to left even when it opens with a Latin name, and every
 * left-to-right run (names, tracking numbers, "10–22", dates' digits) is isolated with
 * LRI…PDI (U+2066/U+2069) so it keeps its own order, as <bdi> does in the HTML part.
 */
export function isolateRtlText(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      const body = line
        .split(LINK)
        .map((part, i) => (i % 2 === 1 ? part : part.replace(LTR_RUN, (run) => `${LRI}${run}${PDI}`)))
        .join('');
      return line.startsWith(RLM) ? body : `${RLM}${body}`;
    })
    .join('\n');
}

const RTL_LANGUAGES = new Set(['he', 'ar']);

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
    text: RTL_LANGUAGES.has(template.locale.split('-')[0])
      ? isolateRtlText(template.render('text', context))
      : finish(template.locale, template.render('text', context)),
    template: template.name,
    locale: template.locale,
  };
}
