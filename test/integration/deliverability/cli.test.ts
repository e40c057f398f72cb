import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterOrder } from '../../../src/services/orders.js';
import { type SendRow } from '../../../src/store/ledger.js';
import { buildDsn } from '../../helpers/email-services/dsn.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';

import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { testPipeline } from '../../helpers/worker.js';
import { cliEnv, runCli } from '../cli/run-cli.js';

describe('postship bounces ingest, status and doctor (the CLI, as a process)', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let env: Record<string, string>;
  const sent = new Map<string, SendRow>();

  beforeAll(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
    env = cliEnv(dir, { POSTSHIP_CONFIG: alwaysOpenConfig(dir), POSTSHIP_VERP_DOMAIN: 'acme.example', SMTP_URL: smtp.url });
    const pipeline = testPipeline(testConfig(dir, env));
    const worker = await pipeline.startWorker();
    const ids = ['B-1', 'B-2', 'B-3'];
    const allSent = async () => (await Promise.all(ids.map(async (id) => (await pipeline.runtime.ledger.sendsOfOrder(id))[0]?.status))).every((status) => status === 'sent');
    const done = new Promise<void>((resolve) => worker.on('completed', () => void allSent().then((all) => all && resolve())));
    for (const id of ids) await enterOrder(pipeline.runtime.orderDeps(), { orderId: id, buyer: { name: 'B', email: `${id.toLowerCase()}@outlook.com`, locale: 'en' }, country: 'US', carrier: 'cainiao', trackingNumber: `LP${id.replace('-', '')}` });
    await pipeline.runtime.promote();
    await done;
    for (const id of ids) sent.set(id, (await pipeline.runtime.ledger.sendsOfOrder(id))[0]);
    await pipeline.close();
  });
  afterAll(async () => {
    await smtp?.stop();
    dir?.remove();
  });

  it('sends with a VERP envelope sender naming the send', () => {
    const first = sent.get('B-1')!;
    expect(smtp.received.find((m) => m.to.includes('b-1@outlook.com'))?.from).toBe(`bounces+${first.id}@acme.example`);
  });

  it('reads a folder of bounces: VERP and Message-ID matches, a delay, an auto-reply skipped; the hard bounce suppresses; status shows it', async () => {
    const box = dir.file('bounces');
    mkdirSync(box);
    const b1 = sent.get('B-1')!;
    const b2 = sent.get('B-2')!;
    writeFileSync(`${box}/1.eml`, buildDsn({ to: `bounces+${b1.id}@acme.example`, recipient: 'b-1@outlook.com', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <b-1@outlook.com>: Recipient address rejected: User unknown in virtual mailbox table', original: { 'Message-ID': b1.messageId! } }));
    // No VERP (a relay rewrote the envelope): matched by the returned Message-ID.
    writeFileSync(`${box}/2.eml`, buildDsn({ to: 'care@example.com', recipient: 'b-2@outlook.com', action: 'delayed', status: '4.4.1', diagnostic: '451 4.4.1 Connection timed out while talking to mx.recipient.example', original: { 'Message-ID': b2.messageId! } }));
    writeFileSync(`${box}/3.eml`, 'From: b-3@outlook.com\r\nTo: care@example.com\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nI am away until Monday.\r\n');

    const run = await runCli(['bounces', 'ingest', box, '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ stored: 2, duplicates: 0, unmatched: 0, suppressed: 1, files: [{ outcome: 'ingested' }, { outcome: 'ingested' }, { outcome: 'not_a_dsn' }] });
    // A second read of the same mailbox stores nothing twice.
    expect(JSON.parse((await runCli(['bounces', 'ingest', box, '--json'], env)).stdout)).toMatchObject({ stored: 0, duplicates: 2 });

    const status = await runCli(['status', 'B-1'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/shipped\s+sent, bounced/);
    expect(status.stdout).toContain('dsn: 5.1.1 550 5.1.1 <b-1@outlook.com>: Recipient address');
    expect((await runCli(['status', 'B-2'], env)).stdout).toMatch(/shipped\s+sent, deferred/);
    // The same outcome in the JSON (status --json, GET /api/v1/orders/{id}).
    const json = JSON.parse((await runCli(['status', 'B-1', '--json'], env)).stdout);
    expect(json.timeline.find((e: { milestone: string }) => e.milestone === 'shipped').afterAcceptance).toMatchObject({ kind: 'bounced', source: 'dsn' });
    expect(json.timeline.find((e: { milestone: string }) => e.milestone === 'day1').afterAcceptance).toBeNull();
  });

  it('refuses a missing path and a single file that is not a bounce, exit 2, saying what to give instead', async () => {
    const missing = await runCli(['bounces', 'ingest', dir.file('nope')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope: no such file or folder');
    const letter = dir.file('letter.eml');
    writeFileSync(letter, 'From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n');
    const notDsn = await runCli(['bounces', 'ingest', letter], env);
    expect(notDsn.code).toBe(2);
    expect(notDsn.stderr).toContain('is not a delivery status notification (RFC 3464 multipart/report with a message/delivery-status part)');
  });

  it('an unreadable DKIM key stops every command with exit 2; doctor prints the TXT record for a good one', async () => {
    const bad = await runCli(['list'], { ...env, POSTSHIP_DKIM_DOMAIN: 'example.com', POSTSHIP_DKIM_SELECTOR: 's1', POSTSHIP_DKIM_PRIVATE_KEY_FILE: dir.file('missing.pem') });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/POSTSHIP_DKIM_\*: cannot read the DKIM private key .*missing\.pem: file not found/);
    const key = dir.file('dkim.pem');
    writeFileSync(key, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const doctor = await runCli(['doctor', '--json'], { ...env, POSTSHIP_FROM: 'Acme <care@acme.example>', POSTSHIP_DKIM_DOMAIN: 'acme.example', POSTSHIP_DKIM_SELECTOR: 's1', POSTSHIP_DKIM_PRIVATE_KEY_FILE: key });
    const rows = JSON.parse(doctor.stdout).checks as Array<{ check: string; result: string; detail: string }>;
    expect(rows.find((r) => r.check === 'dkim default')).toMatchObject({ result: 'ok', detail: expect.stringMatching(/publish TXT s1\._domainkey\.acme\.example "v=DKIM1; k=rsa; p=MII/) });
  }, 90_000); // doctor renders every template of every locale
});
