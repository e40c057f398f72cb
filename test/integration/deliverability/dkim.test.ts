import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { InputError } from '../../../src/domain/errors.js';
import { checkDkim } from '../../../src/cli/doctor-checks.js';
import { loadDkim } from '../../../src/mail/dkim.js';
import { enterOrder } from '../../../src/services/orders.js';
import { dkimVerifies } from '../../helpers/email-services/dkim-verifier.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';

import { header, startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

function writeKey(dir: TempDir, name: string, bits = 2048): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const path = dir.file(name);
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return path;
}

function configFile(dir: TempDir, stores: object): string {
  const path = dir.file('config.json');
  writeFileSync(path, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' } }, stores }));
  return path;
}

describe('DKIM per store', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline | null = null;
  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
  });
  afterEach(async () => {
    await pipeline?.close();
    pipeline = null;
    await smtp.stop();
    dir.remove();
  });

  it('signs what the worker sends, and dkimpy (not nodemailer) accepts it against the record doctor prints', async () => {
    writeKey(dir, 'acme.pem');
    const path = configFile(dir, { acme: { from: 'Acme <care@acme.example>', name: 'Acme', dkim: { domain: 'acme.example', selector: 'ps1', privateKeyFile: 'acme.pem' } } });
    const config = testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: path });
    const row = checkDkim(config).find((r) => r.check === 'dkim acme')!;
    expect(row.result).toBe('ok');
    const published = /publish TXT (\S+) "([^"]+)"/.exec(row.detail)!;
    expect(published[1]).toBe('ps1._domainkey.acme.example');

    pipeline = testPipeline(config);
    await pipeline.startWorker();
    const { runtime } = pipeline;
    await enterOrder(runtime.orderDeps(), { orderId: 'D-1', store: 'acme', buyer: { name: 'Zoë Ångström', email: 'zoe@example.net', locale: 'en' }, country: 'SE', carrier: 'cainiao', trackingNumber: 'LPD1' });
    await runtime.promote();
    await expect.poll(async () => (await runtime.ledger.sendsOfOrder('D-1')).find((s) => s.milestone === 'shipped')?.status, { timeout: 15_000 }).toBe('sent');
    const raw = smtp.received[0].raw;
    expect(header(raw, 'DKIM-Signature')).toMatch(/d=acme\.example; .*s=ps1;/);
    expect(header(raw, 'Feedback-ID')).toBe('acme:shipped:postship');

    expect(dkimVerifies(raw, { name: published[1], value: published[2] })).toMatchObject({ ok: true });
    // The same verifier refuses a body changed in transit, and a key that is not the published one.
    const split = raw.indexOf('\r\n\r\n') + 4;
    const bodyChanged = `${raw.slice(0, split)}Changed in transit.\r\n${raw.slice(split)}`;
    expect(dkimVerifies(bodyChanged, { name: published[1], value: published[2] }).ok).toBe(false);
    expect(dkimVerifies(raw.replace(/^Subject: /m, 'Subject: Re: '), { name: published[1], value: published[2] }).ok).toBe(false);
    const other = loadDkim({ domain: 'acme.example', selector: 'ps1', privateKeyFile: writeKey(dir, 'other.pem') });
    expect(dkimVerifies(raw, { name: other.dnsName, value: other.dnsValue }).ok).toBe(false);
  });

  it('signs with the env default when a store has no key of its own', async () => {
    const key = writeKey(dir, 'default.pem');
    const config = testConfig(dir, {
      SMTP_URL: smtp.url, POSTSHIP_CONFIG: configFile(dir, {}), POSTSHIP_FROM: 'Shop <hello@mail.shop.example>',
      POSTSHIP_DKIM_DOMAIN: 'shop.example', POSTSHIP_DKIM_SELECTOR: 'k1', POSTSHIP_DKIM_PRIVATE_KEY_FILE: key,
    });
    const published = loadDkim(config.deliverability.dkim.fallback!);
    pipeline = testPipeline(config);
    await pipeline.startWorker();
    await enterOrder(pipeline.runtime.orderDeps(), { orderId: 'D-2', buyer: { name: 'Ana', email: 'ana@example.org', locale: 'en' }, country: 'BR', carrier: 'cainiao', trackingNumber: 'LPD2' });
    await pipeline.runtime.promote();
    await expect.poll(() => smtp.received.length, { timeout: 15_000 }).toBe(1);
    expect(dkimVerifies(smtp.received[0].raw, { name: published.dnsName, value: published.dnsValue })).toMatchObject({ ok: true });
  });

  it('refuses, naming the file and the fix, an unreadable key, a key that is not one, and a misaligned domain', () => {
    const notKey = dir.file('not-a-key.pem');
    writeFileSync(notKey, 'hello');
    const locked = writeKey(dir, 'locked.pem');
    chmodSync(locked, 0o000);
    writeKey(dir, 'ok.pem');
    const path = configFile(dir, {
      a: { from: 'A <a@a.example>', dkim: { domain: 'a.example', selector: 's', privateKeyFile: 'missing.pem' } },
      b: { from: 'B <b@b.example>', dkim: { domain: 'b.example', selector: 's', privateKeyFile: 'not-a-key.pem' } },
      c: { from: 'C <care@c.example>', dkim: { domain: 'elsewhere.example', selector: 's', privateKeyFile: 'ok.pem' } },
    });
    let error: unknown = null;
    try {
      loadConfig({ POSTSHIP_DB: dir.file('x.db'), POSTSHIP_CONFIG: path, POSTSHIP_DKIM_DOMAIN: 'x.example' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    const problems = (error as InputError).problems.join('\n');
    expect(problems).toMatch(/stores\.a\.dkim: cannot read the DKIM private key .*missing\.pem: file not found \(create one with `openssl genrsa/);
    expect(problems).toMatch(/stores\.b\.dkim: .*not-a-key\.pem is not a PEM private key/);
    expect(problems).toMatch(/stores\.c\.dkim: signing domain "elsewhere\.example" does not match the From domain "c\.example"/);
    expect(problems).toMatch(/POSTSHIP_DKIM_SELECTOR, POSTSHIP_DKIM_PRIVATE_KEY_FILE: not set, but POSTSHIP_DKIM_DOMAIN is/);
    // Root reads any file: the permission case only where the test does not run as root.
    if (process.getuid?.() !== 0) {
      expect(() => loadDkim({ domain: 'a.example', selector: 's', privateKeyFile: locked })).toThrow(/permission denied/);
    }
  });

  it('doctor warns about a sender without a key and one the default key does not align with', () => {
    const key = writeKey(dir, 'default.pem');
    const config = testConfig(dir, {
      POSTSHIP_CONFIG: configFile(dir, { other: { from: 'Other <hi@other.example>' } }), POSTSHIP_FROM: 'Shop <hello@shop.example>',
      POSTSHIP_DKIM_DOMAIN: 'shop.example', POSTSHIP_DKIM_SELECTOR: 'k1', POSTSHIP_DKIM_PRIVATE_KEY_FILE: key,
    });
    const rows = checkDkim(config);
    expect(rows.find((r) => r.check === 'dkim default')).toMatchObject({ result: 'ok' });
    expect(rows.find((r) => r.check === 'dkim other')).toMatchObject({ result: 'fail', detail: 'signs as shop.example but sends from other.example: DMARC alignment fails' });
    expect(rows.find((r) => r.check === 'spf/dmarc')?.detail).toMatch(/_dmarc/);
    const unsigned = checkDkim(testConfig(dir, { POSTSHIP_CONFIG: configFile(dir, {}) }));
    expect(unsigned).toEqual([expect.objectContaining({ check: 'dkim default', result: 'warn' })]);
  });
});
