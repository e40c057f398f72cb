import { describe, expect, it } from 'vitest';
import { checkTemplates, TEMPLATE_LANGUAGES } from '../../../src/mail/check-templates.js';
import { TemplateSet } from '../../../src/mail/templates.js';

describe('checkTemplates', () => {
  it('renders every milestone x locale x carrier/country sample without a failure', () => {
    const result = checkTemplates(new TemplateSet());
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    // 5 milestones x (8 languages + country defaults) x 25 country/carrier pairs
    expect(result.rendered).toBeGreaterThanOrEqual(5 * TEMPLATE_LANGUAGES.length * 25);
  }, 120_000); // ~17,000 renders: about 25 s on a quiet core, more when the suite shares two

  it('reports a locale that has no templates of its own as a fallback failure', () => {
    const result = checkTemplates(new TemplateSet(), { locales: ['fi'], requireOwn: ['fi'], milestones: ['shipped'], countries: ['FI'], carriers: ['cainiao'] });
    expect(result.ok).toBe(false);
    expect(result.failures[0]).toMatchObject({ locale: 'fi', milestone: 'shipped', message: expect.stringContaining('fell back to templates/en/shipped') });
  });

  it('collects bad customs data instead of throwing', () => {
    const result = checkTemplates(new TemplateSet(), {
      locales: ['en'], milestones: ['shipped'], countries: ['BR'], carriers: ['cainiao'],
      customsNotes: [{ id: 'x', countries: ['BR'], milestones: ['shipped'], text: { pt: 'só pt' }, source: '', lastChecked: '23/11/2026' }],
    });
    expect(result.failures.map((f) => f.message)).toEqual([
      'customs note [0] "x": text.en is required (it is the fallback for every language)',
      'customs note [0] "x": source is required (where the rule is published)',
      'customs note [0] "x": lastChecked "23/11/2026" is not an ISO date (yyyy-mm-dd)',
    ]);
  });
});
