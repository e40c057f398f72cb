/**
 * Stand-ins for the email services' webhook senders: each builds the
 * documented payload and signs it the way the service does, independently of
 * the code under test.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, createSign, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TempDir } from '../env.js';

/** SNS over local HTTP: serves its signing certificate and answers SubscribeURL. */
export interface SnsStandIn {
  url: string;
  confirmations: string[];
  sign(fields: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

export async function startSnsStandIn(dir: TempDir): Promise<SnsStandIn> {
  const key = dir.file('sns-key.pem');
  const cert = dir.file('sns-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=sns.local-stand-in', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const pem = readFileSync(cert, 'utf8');
  const privateKey = readFileSync(key, 'utf8');
  const confirmations: string[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url === '/SimpleNotificationService.pem') return res.end(pem);
    if (req.url?.startsWith('/?Action=ConfirmSubscription')) {
      confirmations.push(req.url);
      return res.end('<ConfirmSubscriptionResponse/>');
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    confirmations,
    /** AWS's rule: for a Notification sign Message, MessageId, Subject (if any), Timestamp, TopicArn, Type; for a confirmation also SubscribeURL and Token; `key\nvalue\n` each, sorted. */
    sign(fields) {
      const names = fields.Type === 'Notification'
        ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
        : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
      const text = names.filter((n) => fields[n] !== undefined).map((n) => `${n}\n${fields[n]}\n`).join('');
      const signature = createSign('RSA-SHA256').update(text).sign(privateKey, 'base64');
      return { ...fields, SignatureVersion: '2', Signature: signature, SigningCertURL: `${url}/SimpleNotificationService.pem` };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Svix as Resend uses it: whsec_<base64 key>; v1,<base64 HMAC-SHA256 of id.timestamp.body>. */
export function svixHeaders(secret: string, body: string, at = Date.now()): Record<string, string> {
  const id = `msg_${randomUUID().replace(/-/g, '')}`;
  const ts = String(Math.floor(at / 1000));
  const sig = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'svix-id': id, 'svix-timestamp': ts, 'svix-signature': `v1,${sig}` };
}

export function newSvixSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Mailgun's body signature: hex HMAC-SHA256 of timestamp + token with the webhook signing key. */
export function mailgunSignature(key: string, at = Date.now()) {
  const timestamp = String(Math.floor(at / 1000));
  const token = randomBytes(25).toString('hex');
  return { timestamp, token, signature: createHmac('sha256', key).update(timestamp + token).digest('hex') };
}
