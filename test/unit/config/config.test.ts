import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { InputError } from '../../../src/domain/errors.js';
import { resolveProfile } from '../../../src/domain/profile.js';
import { tempDir } from '../../helpers/env.js';

const dir = tempDir();
afterEach(() => undefined);

function withFile(content: unknown): Record<string, string> {
  const path = dir.file(`config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return { POSTSHIP_CONFIG: path };
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  throw new Error('expected loadConfig to fail');
}

describe('config file', () => {
  it('accepts the documented example and resolves profiles most-specific first', () => {
    const config = loadConfig(
      withFile({
        defaults: { sendWindow: { start: '00:00', end: '24:00' }, delays: { day1: 'PT2S', day14: 'PT6S' } },
        profiles: [{ carrier: 'china-post', country: 'ES', delays: { day14: 'PT8S' } }],
        stores: { acme: { from: 'Acme Store <care@acme.example>' } },
      }),
    );
    const { defaults, profiles, stores } = config.file;
    const es = resolveProfile({ carrier: 'china-post', country: 'ES', store: 'acme' }, defaults, profiles, stores.acme);
    const fr = resolveProfile({ carrier: 'china-post', country: 'FR', store: 'acme' }, defaults, profiles, stores.acme);
    expect(es.delays).toEqual({ day1: 'PT2S', day14: 'PT8S' });
    expect(fr.delays).toEqual({ day1: 'PT2S', day14: 'PT6S' });
    expect(fr.sendWindow).toEqual({ start: '00:00', end: '24:00' });
    expect(stores.acme.from).toBe('Acme Store <care@acme.example>');
  });

  it('reports every problem at once with its path', () => {
    const problems = problemsOf(
      withFile({
        defaults: { sendWindow: { start: '9am', end: '20:00' } },
        profiles: [{ carrier: 'pigeon', country: 'UK', delays: { day14: 'P14' } }],
        stores: { acme: { colour: 'red' } },
      }),
    );
    const text = problems.join('\n');
    expect(text).toContain('profiles[0].delays.day14: "P14" is not an ISO-8601 duration');
    expect(text).toContain('defaults.sendWindow.start: "9am" is not a time of day');
    expect(text).toContain('profiles[0].carrier: "pigeon" is not a known carrier');
    expect(text).toContain('profiles[0].country: "UK" is not an ISO 3166-1 alpha-2 country code');
    expect(text).toContain('stores.acme');
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('names a missing or unparsable file', () => {
    expect(problemsOf({ POSTSHIP_CONFIG: dir.file('nope.json') })[0]).toMatch(/cannot read .*nope\.json: file not found/);
    expect(problemsOf(withFile('{ not json'))[0]).toMatch(/POSTSHIP_CONFIG: cannot read/);
  });

  it('validates env values together and never echoes a password', () => {
    const problems = problemsOf({ POSTSHIP_CONCURRENCY: 'lots', SMTP_URL: 'http://user:hunter2@mail', POSTSHIP_HORIZON: '15m' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});

describe('POSTSHIP_SMTP_THREAD', () => {
  it('is on unless turned off, and names itself when it is neither', () => {
    expect(loadConfig({}).smtpThread).toBe(true);
    expect(loadConfig({ POSTSHIP_SMTP_THREAD: 'off' }).smtpThread).toBe(false);
    expect(loadConfig({ POSTSHIP_SMTP_THREAD: ' FALSE ' }).smtpThread).toBe(false);
    expect(loadConfig({ POSTSHIP_SMTP_THREAD: 'on' }).smtpThread).toBe(true);
    expect(problemsOf({ POSTSHIP_SMTP_THREAD: 'sometimes' })).toEqual(['POSTSHIP_SMTP_THREAD: "sometimes" must be "on" or "off"']);
  });
});
