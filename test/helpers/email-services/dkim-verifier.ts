/**
 * An independent DKIM verifier: Debian's python3-dkim (dkimpy, the library
 * behind `dkimverify`), not nodemailer. The test "publishes" the public key
 * by answering dkimpy's DNS lookup for `selector._domainkey.domain` with the
 * TXT record `postship doctor` prints; nothing else is looked up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { onPath } from '../prerequisites.js';

/** The interpreter dkimverify runs under (its shebang), which has the dkim module. */
export function dkimPython(): string {
  const script = onPath('dkimverify');
  if (!script) throw new Error('dkimverify not found on PATH: install it (Debian/Ubuntu: apt-get install -y python3-dkim)');
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(script, 'utf8'))?.[1];
  if (!shebang || !existsSync(shebang)) throw new Error(`dkimverify's interpreter ${shebang ?? '(none)'} not found: reinstall python3-dkim`);
  return shebang;
}

const SCRIPT = `
import os, sys, dkim
record = os.environ['DKIM_TXT'].encode()
name = os.environ['DKIM_NAME'].lower().rstrip('.')
def dnsfunc(qname, timeout=5):
    q = qname.decode() if isinstance(qname, bytes) else qname
    return record if q.lower().rstrip('.') == name else None
ok = dkim.verify(sys.stdin.buffer.read(), dnsfunc=dnsfunc)
print('pass' if ok else 'fail')
sys.exit(0 if ok else 1)
`;

/** True when dkimpy accepts the message's first DKIM-Signature against the published record. */
export function dkimVerifies(raw: string | Buffer, published: { name: string; value: string }): { ok: boolean; output: string } {
  const run = spawnSync(dkimPython(), ['-c', SCRIPT], {
    input: raw,
    env: { ...process.env, DKIM_TXT: published.value, DKIM_NAME: published.name },
    encoding: 'utf8',
  });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}
