import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TRACKING_API_ENV } from '../../../src/config/config.js';
import { WEBHOOK_SECRET_NAMES } from '../../../src/http/secrets.js';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { execForm, parseDockerfile, parseEnv } from '../../helpers/dockerfile.js';

const run = promisify(execFile);
const read = (path: string) => readFileSync(join(PACKAGE_ROOT, path), 'utf8');
const runtime = parseDockerfile(read('Dockerfile')).at(-1)!;
const last = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1)!.args;

/** deploy/postship.env's variables (commented-out ones too), as systemd reads them. */
function envFileValues(): Record<string, string> {
  const lines = read('deploy/postship.env').split('\n').map((l) => /^#?(\w+)=(.*)$/.exec(l)).filter((m) => m !== null);
  return Object.fromEntries(lines.map(([, name, value]) => [name, value.replace(/^"(.*)"$/, '$1')]));
}

/** The daemon's shutdown deadline in seconds, from its --shutdown-timeout flag (10 when absent). */
function deadlineOf(argv: string[]): number {
  const at = argv.indexOf('--shutdown-timeout');
  return at < 0 ? 10 : Number(argv[at + 1]);
}
/** Closing Redis, SQLite and the threads after the deadline. */
const CLOSE_MARGIN_S = 5;

/** Seconds in a compose duration ("20s", "1m30s") or a systemd time span ("20", "20s", "1min"). */
function seconds(text: string): number {
  const units: Record<string, number> = { '': 1, s: 1, sec: 1, m: 60, min: 60, h: 3600 };
  let total = 0;
  for (const [, n, unit] of String(text).matchAll(/(\d+(?:\.\d+)?)\s*([a-z]*)/g)) {
    if (!(unit in units)) throw new Error(`unknown time unit in ${JSON.stringify(text)}`);
    total += Number(n) * units[unit];
  }
  return total;
}

/** `docker compose` where the plugin is installed, else Debian's `docker-compose`; none: one line naming the package. */
function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  throw new Error('docker-compose not found: apt-get install --no-install-recommends docker-compose (macOS: brew install docker-compose)');
}

describe('deployment manifests', () => {
  const dockerDeadline = deadlineOf(execForm(last('CMD'))!);

  it('docker-compose.yml passes `docker-compose config`', async () => {
    const [command, ...args] = composeCommand();
    const result = await run(command, [...args, '-f', 'docker-compose.yml', 'config', '-q'], { cwd: PACKAGE_ROOT }).catch((err) => err);
    expect(result.code ?? 0, result.stderr).toBe(0);
  });

  it('compose gives the daemon its volume at the image VOLUME and more time to stop than its deadline', () => {
    const service = parse(read('docker-compose.yml')).services.postship;
    const volume = execForm(last('VOLUME'))![0];
    expect(service.volumes.map((v: string) => v.split(':')[1])).toContain(volume);
    expect(posix.dirname(service.environment.POSTSHIP_DB ?? parseEnv(last('ENV')).POSTSHIP_DB)).toBe(volume);
    expect(seconds(service.stop_grace_period)).toBeGreaterThanOrEqual(dockerDeadline + CLOSE_MARGIN_S);
  });

  it('the image health check asks /readyz and gives up before the next one', () => {
    const healthcheck = last('HEALTHCHECK');
    expect(healthcheck).toMatch(/\/readyz/);
    const option = (name: string) => seconds(new RegExp(`--${name}=(\\S+)`).exec(healthcheck)![1]);
    expect(option('timeout')).toBeLessThan(option('interval'));
  });

  it('the systemd unit runs the real binary as its own user, hardened, with a writable data directory', () => {
    const unit = new Map<string, string[]>();
    for (const line of read('deploy/postship.service').split('\n')) {
      const match = /^(\w+)=(.*)$/.exec(line.trim());
      if (match) unit.set(match[1], [...(unit.get(match[1]) ?? []), match[2]]);
    }
    const one = (key: string) => unit.get(key)?.at(-1) ?? '';
    const execStart = one('ExecStart').split(/\s+/);
    expect(execStart[0]).toMatch(/^\/.*\/postship$/); // an absolute path to the installed binary, not npx or npm
    expect(execStart[1]).toBe('daemon');
    expect(one('User')).toMatch(/^(?!root$)\w+/);
    expect(one('Restart')).toBe('on-failure');
    expect(seconds(one('TimeoutStopSec'))).toBeGreaterThanOrEqual(deadlineOf(execStart) + CLOSE_MARGIN_S);
    expect(one('NoNewPrivileges')).toBe('true');
    expect(one('ProtectSystem')).toBe('strict');
    expect(unit.get('EnvironmentFile')).toHaveLength(1);

    const envFile = envFileValues();
    const dbDir = posix.dirname(envFile.POSTSHIP_DB ?? '');
    const writable = [...(unit.get('ReadWritePaths') ?? []), ...(unit.get('StateDirectory') ?? []).map((d) => `/var/lib/${d}`)];
    expect(writable).toContain(dbDir);
  });

  it('the env file names every secret postship reads', () => {
    const names = Object.keys(envFileValues());
    const secrets = ['SMTP_URL', 'REDIS_URL', 'POSTSHIP_UNSUBSCRIBE_SECRET', 'POSTSHIP_ADMIN_USER', 'POSTSHIP_ADMIN_PASSWORD',
      ...WEBHOOK_SECRET_NAMES, ...Object.values(TRACKING_API_ENV).map((api) => api.key)];
    expect(secrets.filter((s) => !names.includes(s))).toEqual([]);
  });
});
