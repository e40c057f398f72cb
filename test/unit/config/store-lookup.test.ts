import { describe, expect, it } from 'vitest';
import { parseConfigFile, storeConfig } from '../../../src/config/config-file.js';
import { profileResolver, storeIdentity } from '../../../src/services/profiles.js';
import { tempDir } from '../../helpers/env.js';
import { cliEnv, runCli } from '../../integration/cli/run-cli.js';
import { writeFileSync } from 'node:fs';

describe('store lookups by own property only', () => {
  const parsed = parseConfigFile({ stores: { acme: { name: 'Acme', protectionDays: 75 } } });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const file = parsed.file;

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('%s is an unknown store, in this thread and after a structured clone', (name) => {
    expect(storeConfig(file, name)).toBeUndefined();
    expect(storeIdentity(file, name)).toBeUndefined();
    expect(storeConfig(structuredClone(file), name)).toBeUndefined();
    expect(file.stores[name]).toBeUndefined(); // no prototype to fall back on
  });

  it('a configured store is found', () => {
    expect(storeConfig(file, 'acme')?.name).toBe('Acme');
    expect(storeConfig(structuredClone(file), 'acme')?.protectionDays).toBe(75);
    expect(profileResolver(structuredClone(file))({ carrier: 'dhl', country: 'ES', store: 'constructor' })).toEqual(profileResolver(file)({ carrier: 'dhl', country: 'ES', store: 'nope' }));
  });

  it('postship preview --store constructor does not sign as "Object"', async () => {
    const dir = tempDir();
    try {
      writeFileSync(dir.file('c.json'), JSON.stringify({ stores: { acme: { name: 'Acme' } } }));
      const r = await runCli(['preview', 'shipped', '--store', 'constructor', '--country', 'ES', '--carrier', 'china-post'], cliEnv(dir, { POSTSHIP_CONFIG: dir.file('c.json') }));
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/\bObject\b/);
    } finally {
      dir.remove();
    }
  });
});
