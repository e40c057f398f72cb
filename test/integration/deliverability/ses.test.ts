import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMail } from '../../../src/cli/doctor-checks.js';
import { enterOrder } from '../../../src/services/orders.js';
import { startSesStandIn, type SesStandIn } from '../../helpers/email-services/ses-stand-in.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';

import { header } from '../../helpers/smtp.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIDSTANDIN', AWS_SECRET_ACCESS_KEY: 'stand-in-secret', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SESV2: '' };

describe('POSTSHIP_TRANSPORT=ses through nodemailer and the SESv2 client, against a stand-in speaking SendEmail', () => {
  let dir: TempDir;
  let ses: SesStandIn;
  let pipeline: TestPipeline;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    dir = tempDir();
    ses = await startSesStandIn();
    // The SDK reads the standard AWS variables from the process environment, as in production.
    for (const [k, v] of Object.entries({ ...AWS_ENV, AWS_ENDPOINT_URL_SESV2: ses.url })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    pipeline = testPipeline(testConfig(dir, { POSTSHIP_TRANSPORT: 'ses', POSTSHIP_CONFIG: alwaysOpenConfig(dir), POSTSHIP_FROM: 'Acme <care@acme.example>' }));
    await pipeline.startWorker();
  });
  afterAll(async () => {
    await pipeline?.close();
    await ses?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    dir?.remove();
  });

  it('sends the raw MIME message, signed SigV4 for ses in the configured region, and records the Message-ID SES assigns', async () => {
    const { runtime } = pipeline;
    await enterOrder(runtime.orderDeps(), { orderId: 'SES-A', buyer: { name: 'Ann', email: 'ann@example.org', locale: 'en' }, country: 'US', carrier: 'cainiao', trackingNumber: 'LPSESA' });
    await runtime.promote();
    // The first send loads the AWS SDK.
    await expect.poll(async () => (await runtime.ledger.sendsOfOrder('SES-A'))[0]?.status, { timeout: 15_000 }).toBe('sent');
    expect(ses.sent).toHaveLength(1);
    const [call] = ses.sent;
    expect(call.authorization).toMatch(/Credential=AKIDSTANDIN\/\d{8}\/eu-west-1\/ses\/aws4_request/);
    expect(call.to).toEqual(['ann@example.org']);
    expect(header(call.raw, 'Subject')).toContain('SES-A');
    const row = (await runtime.ledger.sendsOfOrder('SES-A'))[0];
    expect(row.messageId).toBe(`<${call.messageId}@eu-west-1.amazonses.com>`);
    expect(row.smtpResponse).toBe(`250 SES ${call.messageId}`);
    // SES's events name that id bare (mail.messageId): it finds the send.
    await runtime.ledger.recordMailEvents([{ source: 'ses', dedupKey: 'd1', kind: 'delivered', email: 'ann@example.org', messageIds: [call.messageId], occurredAt: Date.now() }], Date.now());
    expect((await runtime.ledger.mailOutcomes([row.id])).get(row.id)?.kind).toBe('delivered');
  });

  it('a 429 TooManyRequestsException is throttling: retried later without using up an attempt', async () => {
    const { runtime } = pipeline;
    ses.throttleNext(3); // the SDK itself retries a 429 twice (3 attempts) before giving up
    await enterOrder(runtime.orderDeps(), { orderId: 'SES-B', buyer: { name: 'Bo', email: 'bo@example.org', locale: 'en' }, country: 'US', carrier: 'cainiao', trackingNumber: 'LPSESB' });
    await runtime.promote();
    const id = (await runtime.ledger.sendsOfOrder('SES-B'))[0].id;
    await expect.poll(async () => (await runtime.ledger.getSend(id))?.error ?? '', { timeout: 10_000 }).toMatch(/^ESES 451: SES TooManyRequestsException: Maximum sending rate exceeded/);
    const job = await (await runtime.sendQueue()).getJob(`send.${id}`);
    expect(job?.attemptsMade).toBe(0);
    expect((await runtime.ledger.getSend(id))?.status).toBe('queued');
  });

  it('doctor checks SES itself (region and credentials), not the outbox', async () => {
    const before = ses.sent.length;
    expect(await checkMail(pipeline.runtime.config)).toEqual({ check: 'mail', result: 'ok', detail: 'Amazon SES answers (region eu-west-1)' });
    // nodemailer's verify is a SendEmail of an invalid message: the stand-in saw it signed.
    expect(ses.sent.length).toBe(before + 1);
    expect(ses.sent.at(-1)!.from).toBe('invalid@invalid');
  });
});
