import { execFile } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/queue/ephemeral-redis.js';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { alwaysOpenConfig, redisUrl, tempDir, uniquePrefix, type TempDir } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { replayDockerfile, type ImageLayout } from './image-layout.js';
import { freshVolume, runAs, spawnAs, unprivilegedUser, type Proc } from './run-as.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const user = unprivilegedUser();
/** Waits for /readyz to answer 200; when the daemon exits or times out first, the failure shows what it printed. */
async function untilReady(url: string, daemon: Proc): Promise<void> {
  const status = () => fetch(`${url}/readyz`).then((r) => r.status, () => null);
  const exited = daemon.exited.then(({ code, signal }) => {
    throw new Error(`the daemon exited (${signal ?? code}) before it was ready`);
  });
  exited.catch(() => undefined); // its later, expected exit is no failure
  await Promise.race([expect.poll(status, { timeout: 20_000 }).toBe(200), exited]).catch((err: Error) => {
    throw new Error(`${err.message}\ndaemon output:\n${daemon.output()}`);
  });
}
const binding = (dir: string) => join(dir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
const versionOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string }).version;

/**
 * `npm install -g` of the packed tarball into its own prefix, as the README's
 * VPS recipe does. Install scripts are off to keep the test fast; better-sqlite3's
 * binding is then the checkout's when the versions match, else built here as npm would.
 */
async function installGlobally(tarball: string, prefix: string): Promise<string> {
  await run('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball]);
  const installed = join(prefix, 'lib/node_modules/postship');
  if (versionOf(installed) !== versionOf(PACKAGE_ROOT)) await run('npm', ['rebuild', 'better-sqlite3'], { cwd: installed });
  else {
    mkdirSync(dirname(binding(installed)), { recursive: true });
    cpSync(binding(PACKAGE_ROOT), binding(installed));
  }
  return join(prefix, 'bin/postship');
}

describe(`the production layout the Dockerfile describes, run as ${user.name}`, () => {
  let work: TempDir;
  let image: ImageLayout;
  let app: string;
  let smtp: SmtpSink;
  let configPath: string;
  let globalBin: Promise<string>;
  const procs: Proc[] = [];

  /** What `docker run` adds to the image's ENV: image paths mapped into the replayed file system. */
  const runEnv = (port: number): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    ...Object.fromEntries(Object.entries(image.env).map(([k, v]) => [k, v.startsWith('/') ? join(image.root, v) : v])),
    PORT: String(port), REDIS_URL: redisUrl(), SMTP_URL: smtp.url, POSTSHIP_CONFIG: configPath,
    POSTSHIP_QUEUE_PREFIX: uniquePrefix('deploy'), LOG_LEVEL: 'info',
  });
  const command = (cmd: string[]) => [cmd[0] === 'node' ? process.execPath : cmd[0], cmd.slice(1)] as const;

  beforeAll(async () => {
    work = tempDir('postship-deploy-');
    chmodSync(work.path, 0o755); // the daemon's user must reach the image inside it
    image = await replayDockerfile(PACKAGE_ROOT, work.file('docker'));
    app = join(image.root, image.workdir);
    globalBin = installGlobally(image.tarball, work.file('global'));
    globalBin.catch(() => undefined); // awaited by its own test
    smtp = await startSmtpSink();
    configPath = alwaysOpenConfig(work);
  }, 240_000);
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await globalBin?.catch(() => undefined);
    await smtp?.stop();
    work?.remove();
  }, 120_000); // two installed copies of the production dependencies to delete (the AWS SDK among them)

  it('holds the built package and its production dependencies only', () => {
    expect(readdirSync(app).sort()).toEqual(['bin', 'dist', 'migrations', 'node_modules', 'package.json', 'templates']);
    expect(readdirSync(join(app, 'dist')).sort()).toEqual(['jobs', 'src']);
    expect(existsSync(join(app, 'dist/src/cli/main.js'))).toBe(true);
    const present = Object.keys(pkg.devDependencies).filter((name) => existsSync(join(app, 'node_modules', name)));
    expect(present).toEqual([]);
    expect(existsSync(join(app, 'node_modules/typescript'))).toBe(false);
  });

  it('a mount point Docker makes by itself (root, 755) would not do: the daemon user cannot create its database there', async () => {
    const bare = join(image.root, 'bare-volume');
    freshVolume(bare, null, image.user, user);
    const env = { ...runEnv(0), POSTSHIP_DB: join(bare, 'postship.db') };
    const result = await runAs(user, process.execPath, ['bin/postship.js', 'migrate'], { cwd: app, env });
    expect(result.output).toMatch(/cannot open the database/);
    expect(result.code).toBe(1);
  });

  it('on a fresh volume: ready, healthy, delivers an order over SMTP, backs up while running, exits 0 on SIGTERM', async () => {
    expect(image.volumes.map((v) => v.path)).toContain(posix.dirname(image.env.POSTSHIP_DB));
    for (const volume of image.volumes) freshVolume(join(image.root, volume.path), volume.image, image.user, user);
    const port = await freePort();
    const env = runEnv(port);
    const url = `http://127.0.0.1:${port}`;
    const daemon = spawnAs(user, ...command(image.cmd), { cwd: app, env });
    procs.push(daemon);
    await untilReady(url, daemon);
    expect((await runAs(user, ...command(image.healthcheck), { cwd: app, env })).code).toBe(0);

    const order = ['enqueue', '--order-id', 'DEPLOY-1', '--email', 'ana@example.com', '--name', 'Ana', '--country', 'US', '--carrier', 'ups', '--tracking', '1ZDEPLOY1'];
    const enqueued = await runAs(user, process.execPath, ['bin/postship.js', ...order], { cwd: app, env });
    expect(enqueued.code, enqueued.output).toBe(0);
    await expect.poll(() => smtp.received.filter((m) => m.to.includes('ana@example.com')).length, { timeout: 20_000 }).toBe(1);
    const ledger = new Database(env.POSTSHIP_DB, { readonly: true });
    const status = () => (ledger.prepare(`SELECT status FROM sends WHERE order_id = 'DEPLOY-1' AND milestone = 'shipped'`).get() as { status: string } | undefined)?.status;
    await expect.poll(status, { timeout: 10_000 }).toBe('sent');
    ledger.close();

    const backupPath = join(dirname(env.POSTSHIP_DB), 'backup.db');
    const backup = await runAs(user, process.execPath, ['bin/postship.js', 'db', 'backup', backupPath], { cwd: app, env });
    expect(backup.code, backup.output).toBe(0);
    const copy = new Database(backupPath, { readonly: true });
    expect(copy.prepare(`SELECT status FROM sends WHERE order_id = 'DEPLOY-1'`).all()).toContainEqual({ status: 'sent' });
    copy.close();
    const again = await runAs(user, process.execPath, ['bin/postship.js', 'db', 'backup', backupPath], { cwd: app, env });
    expect(again).toEqual({ code: 2, output: expect.stringMatching(/already exists/) });

    daemon.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(daemon.output()).toMatch(/"msg":"stopped"/);
  }, 60_000);

  it('installed with npm install -g: runs from any directory and exits 0 on SIGTERM by itself', async () => {
    const bin = await globalBin;
    const env = { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
    const version = await runAs(user, bin, ['--version'], { cwd: '/', env });
    expect(version).toEqual({ code: 0, output: `${pkg.version}\n` });

    const state = work.file('state'); // as systemd's StateDirectory= makes it: the service user's
    mkdirSync(state, { mode: 0o750 });
    if (user.uid !== undefined) chownSync(state, user.uid, user.gid!);
    const port = await freePort();
    const daemonEnv = { ...env, POSTSHIP_DB: join(state, 'postship.db'), REDIS_URL: redisUrl(), SMTP_URL: smtp.url, POSTSHIP_QUEUE_PREFIX: uniquePrefix('global'), LOG_LEVEL: 'info' };
    const daemon = spawnAs(user, bin, ['daemon', '--port', String(port)], { cwd: '/', env: daemonEnv });
    procs.push(daemon);
    await untilReady(`http://127.0.0.1:${port}`, daemon);
    daemon.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
