/**
 * The external programs the test suite starts, found the way users have them.
 * A missing one stops the run before any test with one line naming the fix
 * (never a skip: a skipped browser test would hide a broken admin page).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Prerequisite {
  /** What is missing, as a user would name it. */
  name: string;
  /** Absolute path of the program, or null when none was found. */
  path: string | null;
  /** Where we looked, for the message. */
  looked: string;
  /** The install lines. */
  fix: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH, like `command -v`. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && executable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Where Chromium or Chrome lives on Debian/Ubuntu (apt or snap) and macOS. */
export const BROWSER_PLACES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const BROWSER_FIX = 'install one (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or set CHROME_PATH to its executable';

/** CHROME_PATH when set (and then only it), else the usual places, else PATH. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env, places = BROWSER_PLACES): Prerequisite {
  const given = env.CHROME_PATH;
  if (given !== undefined && given !== '') {
    return { name: 'Chromium or Chrome', path: executable(given) ? given : null, looked: `CHROME_PATH=${given} (not an executable file)`, fix: BROWSER_FIX };
  }
  const found = places.find(executable) ?? BROWSER_NAMES.map((n) => onPath(n, env)).find((p) => p !== null) ?? null;
  return { name: 'Chromium or Chrome', path: found, looked: `CHROME_PATH unset, ${places.length} usual places and PATH`, fix: BROWSER_FIX };
}

/** redis-server: REDIS_SERVER_BIN when set, else PATH (the tests start throw-away servers). */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): Prerequisite {
  const given = env.REDIS_SERVER_BIN;
  const path = given ? (executable(given) ? given : null) : onPath('redis-server', env);
  return {
    name: 'redis-server',
    path,
    looked: given ? `REDIS_SERVER_BIN=${given}` : 'PATH',
    fix: 'install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_SERVER_BIN',
  };
}

const POSTGRES_FIX = 'install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) or set POSTGRES_BIN to the folder holding initdb and pg_ctl';

/**
 * PostgreSQL's server programs (initdb, pg_ctl), whose folder the tests start a
 * throw-away server from: POSTGRES_BIN when set, else Debian's newest
 * /usr/lib/postgresql/<version>/bin, else the folder of initdb on PATH.
 */
export function findPostgres(env: NodeJS.ProcessEnv = process.env, debianRoot = '/usr/lib/postgresql'): Prerequisite {
  const has = (dir: string) => executable(join(dir, 'initdb')) && executable(join(dir, 'pg_ctl'));
  const given = env.POSTGRES_BIN;
  if (given) return { name: 'PostgreSQL server (initdb, pg_ctl)', path: has(given) ? given : null, looked: `POSTGRES_BIN=${given}`, fix: POSTGRES_FIX };
  let versions: string[] = [];
  try {
    versions = readdirSync(debianRoot).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  } catch {
    // No Debian layout: PATH decides.
  }
  const debian = versions.map((v) => join(debianRoot, v, 'bin')).find(has);
  const onPathDir = onPath('initdb', env)?.replace(/\/initdb$/, '') ?? null;
  return {
    name: 'PostgreSQL server (initdb, pg_ctl)',
    path: debian ?? (onPathDir && has(onPathDir) ? onPathDir : null),
    looked: `${debianRoot}/<version>/bin and PATH`,
    fix: POSTGRES_FIX,
  };
}

/** One line per missing program; empty when all are there. */
export function missingPrerequisites(found: Prerequisite[]): string[] {
  return found.filter((p) => p.path === null).map((p) => `${p.name} not found (looked at ${p.looked}): ${p.fix}`);
}

/**
 * Docker Compose, for validating docker-compose.yml (`docker compose` plugin
 * or Debian's `docker-compose`); no container engine is needed.
 */
export function findCompose(env: NodeJS.ProcessEnv = process.env): Prerequisite {
  const plugin = onPath('docker', env) && spawnSync('docker', ['compose', 'version'], { stdio: 'ignore', env }).status === 0;
  return {
    name: 'docker-compose',
    path: plugin ? onPath('docker', env) : onPath('docker-compose', env),
    looked: 'PATH (docker compose, docker-compose)',
    fix: 'install it (Debian/Ubuntu: apt-get install --no-install-recommends docker-compose; macOS: brew install docker-compose)',
  };
}

/**
 * dkimverify (Debian's python3-dkim, i.e. dkimpy): the DKIM test checks
 * signatures with a verifier that is not nodemailer (test/helpers/email-services/dkim-verifier.ts).
 */
export function findDkimVerify(env: NodeJS.ProcessEnv = process.env): Prerequisite {
  return {
    name: 'dkimverify (python3-dkim)',
    path: onPath('dkimverify', env),
    looked: 'PATH',
    fix: 'install it (Debian/Ubuntu: apt-get install python3-dkim; macOS: pip3 install dkimpy)',
  };
}
