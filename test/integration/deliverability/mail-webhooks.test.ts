import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/domain/clock.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { silentLogger } from '../../../src/logger.js';
import { enterOrder } from '../../../src/services/orders.js';
import { type SendRow } from '../../../src/store/ledger.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';

import { mailgunSignature, newSvixSecret, startSnsStandIn, svixHeaders, type SnsStandIn } from '../../helpers/email-services/signers.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:postship-ses-events';
const POSTMARK_AUTH = 'postship:pm-hook-password';
const RESEND_SECRET = newSvixSecret();
const MAILGUN_KEY = 'mailgun-http-webhook-signing-key';

describe('email-service events: POST /webhooks/mail/{ses,postmark,resend,mailgun}', () => {
  let dir: TempDir;
  let pipeline: TestPipeline;
  let app: FastifyInstance;
  let base: string;
  let sns: SnsStandIn;
  const sent = new Map<string, SendRow>();

  beforeAll(async () => {
    dir = tempDir();
    sns = await startSnsStandIn(dir);
    pipeline = testPipeline(testConfig(dir, { POSTSHIP_CONFIG: alwaysOpenConfig(dir) }));
    const worker = await pipeline.startWorker();
    const { runtime } = pipeline;
    const ids = ['SES-1', 'SES-2', 'PM-1', 'PM-2', 'RS-1', 'MG-1', 'MG-2'];
    const allSent = async () => (await Promise.all(ids.map(async (id) => (await runtime.ledger.sendsOfOrder(id))[0]?.status))).every((status) => status === 'sent');
    // Hooks cannot expect.poll: wait on the worker's completed events until every first letter is sent.
    const done = new Promise<void>((resolve) => worker.on('completed', () => void allSent().then((all) => all && resolve())));
    for (const id of ['SES-1', 'SES-2', 'PM-1', 'PM-2', 'RS-1', 'MG-1', 'MG-2']) {
      await enterOrder(runtime.orderDeps(), { orderId: id, store: 'acme', buyer: { name: 'B', email: `${id.toLowerCase()}@gmail.com`, locale: 'en' }, country: 'US', carrier: 'cainiao', trackingNumber: `LP${id.replace('-', '')}` });
    }
    await runtime.promote();
    await done;
    for (const id of ['SES-1', 'SES-2', 'PM-1', 'PM-2', 'RS-1', 'MG-1', 'MG-2']) sent.set(id, (await runtime.ledger.sendsOfOrder(id))[0]);
    app = buildHttpApp({
      ledger: runtime.ledger, clock: systemClock, logger: silentLogger(), enqueueTrackingEvents: async () => {},
      secrets: { SES_SNS_TOPIC_ARN: TOPIC, POSTMARK_WEBHOOK_AUTH: POSTMARK_AUTH, RESEND_WEBHOOK_SECRET: RESEND_SECRET, MAILGUN_WEBHOOK_SIGNING_KEY: MAILGUN_KEY },
      // The stand-in serves its certificate over local HTTP; production allows https://sns.<region>.amazonaws.com only.
      snsUrlAllowed: (url) => url.origin === sns.url,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await pipeline?.close();
    await sns?.stop();
    dir.remove();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/webhooks/mail/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const email = (id: string) => `${id.toLowerCase()}@gmail.com`;

  // SES via SNS: the notification's Message is the SES JSON, as a string; SNS posts it as text/plain.
  const sesNotification = (message: object, over: Record<string, string> = {}) =>
    JSON.stringify(sns.sign({ Type: 'Notification', MessageId: randomUUID(), TopicArn: TOPIC, Message: JSON.stringify(message), Timestamp: new Date().toISOString(), ...over }));
  const sesMail = (id: string) => ({
    timestamp: new Date().toISOString(), source: 'care@example.com', messageId: `0100018c-${id}`, destination: [email(id)],
    commonHeaders: { messageId: sent.get(id)!.messageId, subject: 'x' },
  });

  it('SES: confirms the SNS subscription through SubscribeURL once the signature checks out', async () => {
    const subscribe = `${sns.url}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC)}&Token=abc`;
    const body = JSON.stringify(sns.sign({ Type: 'SubscriptionConfirmation', MessageId: randomUUID(), Token: 'abc', TopicArn: TOPIC, Message: 'You have chosen to subscribe', SubscribeURL: subscribe, Timestamp: new Date().toISOString() }));
    const res = await post('ses', body, { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'SubscriptionConfirmation' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'subscribed', topic: TOPIC });
    expect(sns.confirmations).toHaveLength(1);
  });

  it('SES: a permanent bounce suppresses the address with the reason and the send it came from; a delivery is recorded', async () => {
    const bounce = { notificationType: 'Bounce', mail: sesMail('SES-1'), bounce: { bounceType: 'Permanent', bounceSubType: 'General', feedbackId: 'fb-1', timestamp: new Date().toISOString(), bouncedRecipients: [{ emailAddress: email('SES-1'), action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] } };
    const res = await post('ses', sesNotification(bounce), { 'content-type': 'text/plain; charset=UTF-8' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stored: 1, suppressed: 1, unmatched: 0 });
    const s = (await pipeline.runtime.ledger.suppressionOf(email('SES-1')))!;
    expect(s).toMatchObject({ scope: 'all', sendId: sent.get('SES-1')!.id, messageId: sent.get('SES-1')!.messageId });
    expect(s.reason).toMatch(/^hard bounce \(ses\): Permanent General 5\.1\.1 smtp; 550 5\.1\.1 user unknown/);
    expect(await pipeline.runtime.ledger.isSuppressed(email('SES-1'), 'day1')).toBe(true);

    const delivery = { notificationType: 'Delivery', mail: sesMail('SES-2'), delivery: { timestamp: new Date().toISOString(), recipients: [email('SES-2')], smtpResponse: '250 2.0.0 OK' } };
    expect((await post('ses', sesNotification(delivery), { 'content-type': 'text/plain' })).status).toBe(200);
    const outcomes = await pipeline.runtime.ledger.mailOutcomes([sent.get('SES-1')!.id, sent.get('SES-2')!.id]);
    expect(outcomes.get(sent.get('SES-1')!.id)?.kind).toBe('bounced');
    expect(outcomes.get(sent.get('SES-2')!.id)?.kind).toBe('delivered');
  });

  it('SES: refuses a changed message, a topic not configured, and a certificate from a host that is not SNS', async () => {
    const good = JSON.parse(sesNotification({ notificationType: 'Delivery', mail: sesMail('SES-2'), delivery: { recipients: [email('SES-2')] } }));
    const tampered = await post('ses', JSON.stringify({ ...good, Message: good.Message.replace('Delivery', 'Complaint') }));
    expect(tampered.status).toBe(401);
    expect((await tampered.json()).message).toBe('the Signature does not match the message');
    const otherTopic = await post('ses', sesNotification({ notificationType: 'Delivery', mail: sesMail('SES-2') }, { TopicArn: 'arn:aws:sns:us-east-1:999999999999:not-ours' }));
    expect(otherTopic.status).toBe(401);
    expect((await otherTopic.json()).message).toMatch(/is not in SES_SNS_TOPIC_ARN/);
    const evil = await post('ses', JSON.stringify({ ...good, SigningCertURL: 'https://sns.evil.example/cert.pem' }));
    expect(evil.status).toBe(401);
    expect((await evil.json()).message).toMatch(/not an Amazon SNS host/);
  });

  it('Postmark: basic auth required; a spam complaint suppresses, a delivery is recorded', async () => {
    const auth = { authorization: `Basic ${Buffer.from(POSTMARK_AUTH).toString('base64')}` };
    const complaint = JSON.stringify({ RecordType: 'SpamComplaint', ID: 42, Type: 'SpamComplaint', TypeCode: 512, MessageID: '883953f4-6105-42a2-a16a-77a8eac79483', Email: email('PM-1'), BouncedAt: new Date().toISOString(), MessageStream: 'outbound' });
    expect((await post('postmark', complaint)).status).toBe(401);
    expect((await post('postmark', complaint, { authorization: `Basic ${Buffer.from('postship:wrong').toString('base64')}` })).status).toBe(401);
    const res = await post('postmark', complaint, auth);
    expect(res.status).toBe(200);
    // Postmark names its own MessageID: the letter is found by its recipient.
    expect(await res.json()).toMatchObject({ stored: 1, suppressed: 1, unmatched: 0 });
    expect(await pipeline.runtime.ledger.suppressionOf(email('PM-1'))).toMatchObject({ reason: 'complaint (postmark): SpamComplaint', sendId: sent.get('PM-1')!.id });
    const delivery = JSON.stringify({ RecordType: 'Delivery', ServerID: 23, MessageStream: 'outbound', MessageID: 'f1a1', Recipient: email('PM-2'), DeliveredAt: new Date().toISOString(), Details: 'Test delivery webhook details' });
    expect((await post('postmark', delivery, auth)).status).toBe(200);
    expect((await pipeline.runtime.ledger.mailOutcomes([sent.get('PM-2')!.id])).get(sent.get('PM-2')!.id)?.kind).toBe('delivered');
    expect(await pipeline.runtime.ledger.suppressionOf(email('PM-2'))).toBeNull();
  });

  it('Resend: Svix signature checked (body, secret, age); a permanent bounce suppresses', async () => {
    const body = JSON.stringify({ type: 'email.bounced', created_at: new Date().toISOString(), data: { email_id: '56761188-7520-42d8-8898-ff6fc54ce618', from: 'Acme <care@acme.example>', to: [email('RS-1')], subject: 'Your order', created_at: new Date().toISOString(), bounce: { message: 'The recipient mailbox does not exist', subType: 'General', type: 'Permanent' } } });
    expect((await post('resend', body)).status).toBe(401);
    expect((await post('resend', body, svixHeaders(newSvixSecret(), body))).status).toBe(401);
    const old = await post('resend', body, svixHeaders(RESEND_SECRET, body, Date.now() - 3600_000));
    expect(old.status).toBe(401);
    expect((await old.json()).message).toMatch(/more than 5 minutes/);
    const signed = svixHeaders(RESEND_SECRET, body);
    const res = await post('resend', body, signed);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stored: 1, suppressed: 1 });
    // Svix retries a delivery with the same svix-id: stored once.
    expect(await (await post('resend', body, signed)).json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect((await pipeline.runtime.ledger.suppressionOf(email('RS-1')))?.reason).toBe('hard bounce (resend): Permanent General The recipient mailbox does not exist');
  });

  it('Mailgun: HMAC in the body; a permanent failure suppresses, a temporary one only counts as deferred', async () => {
    const event = (id: string, severity: string, recipient: string) => ({
      signature: mailgunSignature(MAILGUN_KEY),
      'event-data': { id, event: 'failed', severity, reason: 'bounce', recipient, timestamp: Date.now() / 1000, 'delivery-status': { code: severity === 'permanent' ? 550 : 452, message: 'mailbox unavailable' }, message: { headers: { 'message-id': sent.get(recipient === email('MG-1') ? 'MG-1' : 'MG-2')!.messageId!.replace(/^<|>$/g, '') } } },
    });
    const permanent = event('Ase7i2zsRYeDXztHGENqRA', 'permanent', email('MG-1'));
    expect((await post('mailgun', JSON.stringify({ ...permanent, signature: { ...permanent.signature, signature: 'ab'.repeat(32) } }))).status).toBe(401);
    const res = await post('mailgun', JSON.stringify(permanent));
    expect(await res.json()).toMatchObject({ stored: 1, suppressed: 1, unmatched: 0 });
    expect(await pipeline.runtime.ledger.suppressionOf(email('MG-1'))).toMatchObject({ sendId: sent.get('MG-1')!.id });
    const temporary = await post('mailgun', JSON.stringify(event('Bse7i2zsRYeDXztHGENqRB', 'temporary', email('MG-2'))));
    expect(await temporary.json()).toMatchObject({ stored: 1, suppressed: 0 });
    expect((await pipeline.runtime.ledger.mailOutcomes([sent.get('MG-2')!.id])).get(sent.get('MG-2')!.id)?.kind).toBe('deferred');
    expect(await pipeline.runtime.ledger.suppressionOf(email('MG-2'))).toBeNull();
  });

  it('refuses malformed JSON with 400, and a service whose secret is not set with 503', async () => {
    const bad = await post('mailgun', '{not json');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('malformed_json');
    const bare = buildHttpApp({ ledger: pipeline.runtime.ledger, clock: systemClock, logger: silentLogger(), enqueueTrackingEvents: async () => {}, secrets: {} });
    const res = await bare.inject({ method: 'POST', url: '/webhooks/mail/postmark', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toMatch(/POSTMARK_WEBHOOK_AUTH is not set/);
    await bare.close();
  });
});
