import { chmodSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findBrowser, findDkimVerify, findRedisServer, missingPrerequisites } from '../helpers/prerequisites.js';
import { tempDir } from '../helpers/env.js';

function fakeProgram(path: string): string {
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}

describe('finding the programs the tests start', () => {
  it('takes CHROME_PATH first, and only it when it is set', () => {
    const dir = tempDir();
    const chrome = fakeProgram(dir.file('my-chrome'));
    expect(findBrowser({ CHROME_PATH: chrome, PATH: '' }, []).path).toBe(chrome);
    const wrong = findBrowser({ CHROME_PATH: dir.file('nope'), PATH: '' }, [chrome]);
    expect(wrong.path).toBeNull();
    expect(missingPrerequisites([wrong])).toEqual([
      `Chromium or Chrome not found (looked at CHROME_PATH=${dir.file('nope')} (not an executable file)): install one (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or set CHROME_PATH to its executable`,
    ]);
    dir.remove();
  });

  it('looks in the usual places, then on PATH under the usual names', () => {
    const dir = tempDir();
    const snap = fakeProgram(dir.file('snap-chromium'));
    expect(findBrowser({ PATH: '' }, [dir.file('absent'), snap]).path).toBe(snap);
    const onPath = fakeProgram(dir.file('chromium-browser'));
    expect(findBrowser({ PATH: dir.path }, [dir.file('absent')]).path).toBe(onPath);
    expect(findBrowser({ PATH: '/nonexistent' }, [dir.file('absent')]).path).toBeNull();
    dir.remove();
  });

  it('does not take a file that is not executable', () => {
    const dir = tempDir();
    writeFileSync(dir.file('chromium'), '');
    expect(findBrowser({ PATH: dir.path }, [dir.file('chromium')]).path).toBeNull();
    dir.remove();
  });

  it('names the fix for a missing redis-server', () => {
    const missing = missingPrerequisites([findRedisServer({ PATH: '/nonexistent' })]);
    expect(missing).toEqual([
      'redis-server not found (looked at PATH): install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_SERVER_BIN',
    ]);
  });

  it('names python3-dkim in one line when dkimverify is missing, and finds it on PATH', () => {
    expect(missingPrerequisites([findDkimVerify({ PATH: '/nonexistent' })])).toEqual([
      'dkimverify (python3-dkim) not found (looked at PATH): install it (Debian/Ubuntu: apt-get install python3-dkim; macOS: pip3 install dkimpy)',
    ]);
    const dir = tempDir();
    const program = fakeProgram(dir.file('dkimverify'));
    expect(findDkimVerify({ PATH: dir.path }).path).toBe(program);
    dir.remove();
  });
});
