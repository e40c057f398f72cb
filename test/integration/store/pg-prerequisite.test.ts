import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/env.js';
import { findPostgres, missingPrerequisites } from '../../helpers/prerequisites.js';

function fakeServer(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const name of ['initdb', 'pg_ctl']) {
    writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

/** The throw-away PostgreSQL of the test run: where its programs are looked for, and the line when they are not. */
describe('finding PostgreSQL for the tests', () => {
  it('names the fix in one line when there is none', () => {
    const dir = tempDir();
    expect(missingPrerequisites([findPostgres({ PATH: '/nonexistent' }, dir.file('no-debian'))])).toEqual([
      `PostgreSQL server (initdb, pg_ctl) not found (looked at ${dir.file('no-debian')}/<version>/bin and PATH): install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) or set POSTGRES_BIN to the folder holding initdb and pg_ctl`,
    ]);
    dir.remove();
  });

  it('takes the newest Debian version, else PATH, and POSTGRES_BIN over both', () => {
    const dir = tempDir();
    const root = dir.file('postgresql');
    fakeServer(join(root, '13', 'bin'));
    const newest = fakeServer(join(root, '16', 'bin'));
    expect(findPostgres({ PATH: '' }, root).path).toBe(newest);
    const onPath = fakeServer(dir.file('brew-bin'));
    expect(findPostgres({ PATH: onPath }, dir.file('none')).path).toBe(onPath);
    const given = fakeServer(dir.file('given'));
    expect(findPostgres({ POSTGRES_BIN: given, PATH: onPath }, root).path).toBe(given);
    expect(findPostgres({ POSTGRES_BIN: dir.file('nope'), PATH: onPath }, root).path).toBeNull();
    dir.remove();
  });
});
