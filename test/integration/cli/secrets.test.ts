import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, runCli } from './run-cli.js';

describe('CLI: secrets in URLs never reach the terminal', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('an SMTP_URL password with a "/" is hidden in the config error, which says to percent-encode', async () => {
    const env = cliEnv(dir, { SMTP_URL: 'smtp://mailer:Xk9/vQ2+Secret@host:587' });
    const doctor = await runCli(['doctor'], env);
    expect(doctor.code).toBe(1); // doctor: a failed check
    const status = await runCli(['status', 'X-1'], env);
    expect(status.code).toBe(2); // any other command: bad input
    for (const r of [doctor, status]) {
      expect(r.stdout + r.stderr).not.toMatch(/Xk9|vQ2|Secret/);
      expect(r.stdout + r.stderr).toMatch(/SMTP_URL: "smtp:\/\/\*\*\*@host:587"/);
      expect(r.stdout + r.stderr).toMatch(/percent-encode/);
    }
  });

  it.each([['doctor'], ['status', 'X-1'], ['reconcile']])('a REDIS_URL password is hidden by %s', async (...args) => {
    const r = await runCli(args, cliEnv(dir, { REDIS_URL: 'redis://:s3/cr@t@127.0.0.1:1' }));
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/s3|cr@t/);
    expect(r.stdout + r.stderr).toMatch(/redis:\/\/\*\*\*@/);
  });
});
