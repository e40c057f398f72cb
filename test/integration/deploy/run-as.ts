import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync } from 'node:fs';

export interface User {
  name: string;
  /** Absent: the test runs as this user already (not root), so it is unprivileged as it is. */
  uid?: number;
  gid?: number;
}

/** An unprivileged user to run the daemon as: `nobody` when the test runs as root (CI), else the current user. */
export function unprivilegedUser(): User {
  if (process.getuid?.() !== 0) return { name: 'the current user' };
  const entry = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === 'nobody');
  if (!entry) throw new Error('postship deploy test: no user "nobody" in /etc/passwd to run the daemon as (useradd --system nobody)');
  return { name: 'nobody', uid: Number(entry[2]), gid: Number(entry[3]) };
}

/**
 * Makes `path` as Docker makes a fresh named volume's mount point: a copy of
 * the image's directory there (owner and mode) when the image has one, else a
 * directory of root's with mode 755. Run without root, a directory of the
 * test's own with mode 555 stands in for root's: the daemon cannot write it either.
 */
export function freshVolume(path: string, image: { owner: string; mode: number } | null, imageUser: string, user: User): void {
  mkdirSync(path, { recursive: true });
  const ownedByDaemon = image !== null && image.owner === imageUser;
  if (user.uid === undefined) return chmodSync(path, ownedByDaemon ? image!.mode : 0o555);
  chownSync(path, ownedByDaemon ? user.uid : 0, ownedByDaemon ? user.gid! : 0);
  chmodSync(path, image ? image.mode : 0o755);
}

export interface Proc extends ChildProcess {
  output(): string;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnAs(user: User, command: string, args: string[], options: { cwd: string; env: Record<string, string> }): Proc {
  const child = spawn(command, args, { ...options, uid: user.uid, gid: user.gid, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (c) => (text += c));
  child.stderr!.on('data', (c) => (text += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return Object.assign(child, { output: () => text, exited });
}

/** Runs a command to its end as `user`; resolves with its exit code and output. */
export async function runAs(user: User, command: string, args: string[], options: { cwd: string; env: Record<string, string> }) {
  const proc = spawnAs(user, command, args, options);
  const { code } = await proc.exited;
  return { code, output: proc.output() };
}
