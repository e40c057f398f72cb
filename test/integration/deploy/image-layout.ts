import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { dockerignore, execForm, parseCopy, parseDockerfile, parseEnv, parseHealthcheck, type Instruction } from '../../helpers/dockerfile.js';

const run = promisify(execFile);

export interface ImageLayout {
  /** The runtime stage's file system: image path `/x` is `${root}/x`. */
  root: string;
  env: Record<string, string>;
  user: string;
  workdir: string;
  cmd: string[];
  healthcheck: string[];
  /** VOLUME paths, each with the directory the image itself holds there (Docker copies it into a fresh named volume). */
  volumes: Array<{ path: string; image: { owner: string; mode: number } | null }>;
  /** The tarball `npm pack` made in the build stage. */
  tarball: string;
}

const unmirrored = (i: Instruction) =>
  new Error(`Dockerfile line ${i.line}: "${i.keyword} ${i.args}" is not replayed by test/integration/deploy/image-layout.ts: teach it what this line does`);

/** Copies context paths as `docker build` would: only what .dockerignore lets in. */
function copyFromContext(context: string, sources: string[], dest: string, allowed: (path: string) => boolean): void {
  for (const source of sources) {
    const from = join(context, source);
    if (!allowed(source) && !statSync(from).isDirectory()) throw new Error(`Dockerfile: COPY ${source}: left out by .dockerignore`);
    const target = dest.endsWith('/') ? join(dest, posix.basename(source)) : dest;
    if (!statSync(from).isDirectory()) {
      mkdirSync(join(target, '..'), { recursive: true });
      cpSync(from, target);
      continue;
    }
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        const rel = relative(context, path).split('\\').join('/');
        if (entry.isDirectory()) walk(path);
        else if (allowed(rel)) {
          mkdirSync(join(target, relative(from, dir)), { recursive: true });
          cpSync(path, join(target, relative(from, path)));
        }
      }
    };
    walk(from);
  }
}

/**
 * Replays the Dockerfile without a container engine: the build stage's COPY
 * lines (through .dockerignore) into `${work}/build`, its RUN lines as this
 * machine can run them, then the runtime stage's COPY --from and directories
 * into `${work}/image`. A line it does not know fails, so the test cannot
 * drift from the Dockerfile unnoticed.
 */
export async function replayDockerfile(context: string, work: string): Promise<ImageLayout> {
  const stages = parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'));
  const allowed = dockerignore(existsSync(join(context, '.dockerignore')) ? readFileSync(join(context, '.dockerignore'), 'utf8') : '');
  const roots = new Map<string, string>();
  const layout: ImageLayout = { root: '', env: {}, user: 'root', workdir: '/', cmd: [], healthcheck: [], volumes: [], tarball: '' };
  const made: Record<string, { owner: string; mode: number }> = {};
  mkdirSync(join(work, 'tarball'), { recursive: true });
  for (const [index, stage] of stages.entries()) {
    const root = join(work, stage.name ?? `stage${index}`);
    mkdirSync(root, { recursive: true });
    roots.set(stage.name ?? String(index), root);
    Object.assign(layout, { env: {}, user: 'root', cmd: [], healthcheck: [], volumes: [] });
    let workdir = '/';
    const inImage = (path: string) => join(root, posix.resolve(workdir, path));
    for (const i of stage.instructions) {
      if (i.keyword === 'WORKDIR') mkdirSync(inImage((workdir = posix.resolve(workdir, i.args))), { recursive: true });
      else if (i.keyword === 'ENV') Object.assign(layout.env, parseEnv(i.args));
      else if (i.keyword === 'COPY') {
        const copy = parseCopy(i.args);
        if (copy.from === null) copyFromContext(context, copy.sources, inImage(copy.dest) + (copy.dest.endsWith('/') ? '/' : ''), allowed);
        else for (const s of copy.sources) cpSync(join(roots.get(copy.from)!, s), inImage(copy.dest), { recursive: true, verbatimSymlinks: true });
      } else if (i.keyword === 'RUN') await replayRun(i, { context, cwd: inImage('.'), inImage, made, tarballs: join(work, 'tarball') });
      else if (i.keyword === 'VOLUME') {
        for (const path of execForm(i.args) ?? i.args.split(/\s+/)) layout.volumes.push({ path, image: made[path] ?? null });
      } else if (i.keyword === 'USER') layout.user = i.args;
      else if (i.keyword === 'HEALTHCHECK') layout.healthcheck = parseHealthcheck(i.args).command;
      else if (i.keyword === 'CMD') layout.cmd = execForm(i.args) ?? ['/bin/sh', '-c', i.args];
      else if (i.keyword !== 'EXPOSE') throw unmirrored(i);
    }
    layout.root = root;
    layout.workdir = workdir;
  }
  layout.tarball = join(work, 'tarball', readdirSync(join(work, 'tarball'))[0] ?? 'none');
  return layout;
}

interface RunContext {
  context: string;
  cwd: string;
  inImage(path: string): string;
  made: Record<string, { owner: string; mode: number }>;
  tarballs: string;
}

/** The RUN lines of postship's Dockerfile, each as this machine does it; any other fails. */
async function replayRun(i: Instruction, c: RunContext): Promise<void> {
  const installDir = /^install -d -o (\S+) -g \S+ -m (\d+) (\S+)$/.exec(i.args);
  const layoutScript = /^sh (deploy\/production-layout\.sh) (\S+)$/.exec(i.args);
  if (/^apt-get update && apt-get install /.test(i.args)) return; // the compiler toolchain: not needed, the binding below is already built
  if (i.args === 'npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3') {
    // The checkout's node_modules came from `npm ci` of the same lock file, better-sqlite3 built: link it.
    symlinkSync(join(c.context, 'node_modules'), join(c.cwd, 'node_modules'));
  } else if (layoutScript) {
    await run('sh', [layoutScript[1], c.inImage(layoutScript[2]), c.tarballs], { cwd: c.cwd, maxBuffer: 16 << 20 }).catch((err) => {
      throw new Error(`Dockerfile line ${i.line}: ${i.args} failed:\n${err.stdout}${err.stderr}`);
    });
  } else if (installDir) {
    mkdirSync(c.inImage(installDir[3]), { recursive: true });
    c.made[installDir[3]] = { owner: installDir[1], mode: parseInt(installDir[2], 8) };
  } else throw unmirrored(i);
}
