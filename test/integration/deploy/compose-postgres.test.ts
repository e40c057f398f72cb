import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/config.js';
import { PACKAGE_ROOT } from '../../../src/paths.js';

const run = promisify(execFile);
const FILE = 'docker-compose.postgres.yml';

function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  throw new Error('docker-compose not found: apt-get install --no-install-recommends docker-compose (macOS: brew install docker-compose)');
}

describe('docker-compose.postgres.yml: a web daemon and scalable workers on one PostgreSQL', () => {
  it('passes `docker-compose config`, with every variable resolved', async () => {
    const [command, ...args] = composeCommand();
    const { stdout } = await run(command, [...args, '-f', FILE, 'config'], { cwd: PACKAGE_ROOT });
    const config = parse(stdout);
    const services = config.services as Record<string, { command?: string[]; environment: Record<string, string>; depends_on?: Record<string, { condition: string }> }>;
    expect(Object.keys(services).sort()).toEqual(['mailpit', 'migrate', 'postgres', 'redis', 'web', 'worker']);
    // Every postship process names the same ledger and queue, which postship's own config accepts as PostgreSQL.
    for (const name of ['migrate', 'web', 'worker']) {
      const env = services[name].environment;
      expect(env.POSTSHIP_DB).toBe(services.migrate.environment.POSTSHIP_DB);
      expect(env.POSTSHIP_UNSUBSCRIBE_SECRET).toBe(services.migrate.environment.POSTSHIP_UNSUBSCRIBE_SECRET);
      expect(loadConfig({ ...env, POSTSHIP_ADMIN_USER: '', POSTSHIP_ADMIN_PASSWORD: '' }).dbEngine).toBe('postgres');
    }
    expect(services.migrate.command).toEqual(['node', 'bin/postship.js', 'migrate']);
    expect(services.web.command).toEqual(expect.arrayContaining(['daemon', '--role', 'web']));
    expect(services.worker.command).toEqual(expect.arrayContaining(['daemon', '--role', 'worker']));
    // The daemons start only once the migration has run to its end.
    expect(services.web.depends_on?.migrate.condition).toBe('service_completed_successfully');
    expect(services.worker.depends_on?.migrate.condition).toBe('service_completed_successfully');
  });

  it('the README runs it as written', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`docker compose -f ${FILE} up --scale worker=2`);
  });
});
