import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, parseJson, runCli } from './run-cli.js';

const HEADER = 'order_id,buyer_email,country,carrier,tracking_number,buyer_name';

describe('postship import: rows that are not silently kept', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = cliEnv(dir);
  });
  afterEach(() => dir.remove());

  it('a known order id with other data is a warning with its line; the ledger keeps the first', async () => {
    const file = dir.file('dup.csv');
    writeFileSync(file, `${HEADER}\nD-1,ana@example.com,ES,dhl,JD1,Ana\nD-2,bo@example.com,FR,dhl,JD2,Bo\nD-1,ana@example.com,ES,dhl,JD9,Ana\nD-2,bo@example.com,FR,dhl,JD2,Bo\n`);
    const r = await runCli(['import', file], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dup\.csv line 4: warning: order_id "D-1" is already known with other data, kept as it was: trackingNumber "JD1" in the ledger, "JD9" here/);
    expect(r.stderr).not.toMatch(/line 5/); // an identical repeat is a harmless re-import
    expect(r.stdout).toMatch(/already known\s+2 \(1 with other data: see the warnings\)/);
    expect(parseJson(await runCli(['status', 'D-1', '--json'], env)).order.trackingNumber).toBe('JD1');
    const again = parseJson(await runCli(['import', file, '--json'], env));
    expect(again).toMatchObject({ imported: 0, alreadyKnown: 4, conflicting: 1 });
    expect(again.conflicts.map((c: { line: number }) => c.line)).toEqual([4]);
  });

  it('a file that is not UTF-8 is reported by line, never stored with NULs or replacement characters', async () => {
    const latin1 = dir.file('latin1.csv');
    writeFileSync(latin1, Buffer.concat([Buffer.from(`${HEADER}\nL-1,a@example.com,ES,dhl,JD1,Ana\nL-2,b@example.com,ES,dhl,JD2,Jos`), Buffer.from([0xe9]), Buffer.from('\n')]));
    const r = await runCli(['import', latin1], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/latin1\.csv line 3: the row is not valid UTF-8/);
    const utf16 = dir.file('utf16.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\nU-1,a@example.com,ES,dhl,JD1,Ana\n`, 'utf16le')]));
    const u = await runCli(['import', utf16], env);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/utf16\.csv line 1: the file is UTF-16, not UTF-8/);
    expect(u.stderr).toMatch(/CSV UTF-8/);
  });
});
