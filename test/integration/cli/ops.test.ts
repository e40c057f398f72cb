import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { BIN, cliEnv, DEAD_REDIS, FIXTURES, ORDER_FLAGS, parseJson, runCli } from './run-cli.js';

const COMMANDS = ['enqueue', 'import', 'status', 'list', 'export', 'cancel', 'resend', 'preview', 'doctor', 'migrate', 'worker'];

describe('doctor, migrate, preview, worker, help', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = cliEnv(dir);
  });
  afterEach(() => dir.remove());

  it('every command has --help with an example; an unknown command is bad input', async () => {
    const results = await Promise.all(COMMANDS.map((c) => runCli([c, '--help'], env)));
    results.forEach((r, i) => {
      expect(r.code, COMMANDS[i]).toBe(0);
      expect(r.stdout, COMMANDS[i]).toMatch(/Examples?:\n\s+\$ (\S+=\S+ )*postship /);
    });
    const unknown = await runCli(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  it('migrate creates the database, then reports it current', async () => {
    // A SQLite file is made from nothing; a PostgreSQL database from empty is test/integration/store/pg-migrate.test.ts.
    const env = cliEnv(dir, { POSTSHIP_DB: dir.file('postship.db') });
    const first = parseJson(await runCli(['migrate', '--json'], env));
    expect(first.applied.length).toBeGreaterThan(0);
    expect(first.applied).toContain('0000_init');
    const second = await runCli(['migrate'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
  });

  it('doctor passes on a healthy setup and fails (exit 1) with a fix for each problem', async () => {
    expect((await runCli(['migrate'], env)).code).toBe(0);
    const healthy = await runCli(['doctor', '--json'], env);
    const report = parseJson(healthy);
    expect(healthy.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c: { check: string }) => c.check)).toEqual(
      expect.arrayContaining(['config', 'redis', 'redis policy', 'database', 'migrations', 'mail', 'templates en']),
    );
    const sick = await runCli(['doctor'], { ...env, REDIS_URL: DEAD_REDIS, POSTSHIP_DB: dir.file('missing.db') });
    expect(sick.code).toBe(1);
    expect(sick.stdout).toMatch(/redis\s+FAIL\s+redis:\/\/127\.0\.0\.1:1 not reachable\n\s+fix: Start redis-server/);
    expect(sick.stdout).toMatch(/database\s+FAIL\s+.*missing\.db does not exist\n\s+fix: Run `postship migrate`/);
    expect(sick.stdout).toContain('2 check(s) failed');
    for (const line of sick.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  }, 60_000); // one CLI process per broken setup

  it('preview prints subject and text, writes the HTML and prints its path', async () => {
    const out = dir.file('preview.html');
    const result = await runCli(['preview', 'customs', '--carrier', 'china-post', '--country', 'ES', '--out', out], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Subject: .*RR123456785CN/); // preview's sample number fits china-post's S10 format
    expect(result.stdout).toContain(`HTML written to ${out}`);
    expect(readFileSync(out, 'utf8')).toMatch(/<html[\s\S]*RR123456785CN/i);
    const json = parseJson(await runCli(['preview', 'day14', '--carrier', 'ups', '--country', 'US', '--store', 'acme', '--json'], { ...env, POSTSHIP_CONFIG: join(FIXTURES, 'always-open.config.json') }, { cwd: dir.path }));
    expect(json).toMatchObject({ milestone: 'day14', locale: 'en' });
    expect(json.text).toContain('Acme Gadgets');
    expect(existsSync(json.htmlPath)).toBe(true);
    const bad = await runCli(['preview', 'day9', '--carrier', 'pigeon', '--country', 'UK'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('milestone "day9" is not one of shipped, day1, customs, post_office, day14');
    expect(bad.stderr).toContain('--country "UK" is not an ISO 3166-1 alpha-2 code (did you mean "GB"?)');
  });

  it('worker sends due messages in the foreground and stops gracefully on SIGTERM', async () => {
    const workerEnv: Record<string, string> = { ...env, POSTSHIP_CONFIG: join(FIXTURES, 'always-open.config.json') };
    const child = spawn(process.execPath, [BIN, 'worker', '--concurrency', '2'], { env: workerEnv });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await expect.poll(() => stderr, { timeout: 15_000 }).toContain('Ctrl-C to stop');
      expect((await runCli(['enqueue', '--order-id', 'W-1', ...ORDER_FLAGS, 'LPW1'], workerEnv)).code).toBe(0);
      const outbox = workerEnv.POSTSHIP_OUTBOX;
      await expect.poll(() => (existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')) : []), { timeout: 15_000 }).toHaveLength(1);
      const status = parseJson(await runCli(['status', 'W-1', '--json'], workerEnv));
      expect(status.timeline.find((e: { milestone: string }) => e.milestone === 'shipped')).toMatchObject({ status: 'sent' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('postship worker: stopped');
  });

  it('worker with Redis down: one clear line, exit 1', async () => {
    const result = await runCli(['worker'], { ...env, REDIS_URL: DEAD_REDIS });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Redis at redis:\/\/127\.0\.0\.1:1 is not reachable/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
