import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, parseJson, runCli } from './run-cli.js';

describe('postship preview --channel webhook', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('prints the JSON a store webhook receives; an unknown channel is bad input', async () => {
    const env = cliEnv(dir);
    const result = await runCli(['preview', 'shipped', '--channel', 'webhook', '--country', 'ES', '--carrier', 'cainiao'], env);
    expect(result.code).toBe(0);
    const payload = parseJson(result);
    expect(Object.keys(payload)).toEqual(['messageId', 'store', 'orderId', 'milestone', 'locale', 'buyer', 'subject', 'text', 'html', 'trackingNumber', 'trackingUrl']);
    expect(payload).toMatchObject({ milestone: 'shipped', locale: 'es', messageId: expect.stringMatching(/^<shipped\.[0-9a-f]{24}@/) });
    expect(payload.text).toContain(payload.trackingNumber);
    expect(payload.trackingUrl).toContain(payload.trackingNumber);
    const bad = await runCli(['preview', 'shipped', '--channel', 'sms'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--channel "sms" is not one of email, webhook');
  });
});
