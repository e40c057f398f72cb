/**
 * Amazon SNS message signatures, as AWS documents them ("Verifying the
 * signatures of Amazon SNS messages"): the listed fields in byte order, each
 * `Name\nvalue\n`; SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA; the
 * certificate comes from SigningCertURL, which must be HTTPS on an SNS host.
 */
import { createVerify } from 'node:crypto';

export interface SnsMessage {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
}

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const SUBSCRIPTION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

/** https://sns.<region>.amazonaws.com(.cn)/... only: anything else could serve a key of its own choosing. */
export function isAwsSnsUrl(url: URL): boolean {
  return url.protocol === 'https:' && /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(url.hostname);
}

export function snsStringToSign(m: SnsMessage): string {
  const fields = m.Type === 'Notification' ? NOTIFICATION_FIELDS : SUBSCRIPTION_FIELDS;
  let out = '';
  for (const f of fields) {
    const value = (m as unknown as Record<string, unknown>)[f];
    if (typeof value === 'string') out += `${f}\n${value}\n`;
  }
  return out;
}

export function isSnsMessage(value: unknown): value is SnsMessage {
  const m = value as Record<string, unknown> | null;
  return !!m && ['Type', 'MessageId', 'TopicArn', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL'].every((k) => typeof m[k] === 'string')
    && (typeof m.Message === 'string');
}

const certs = new Map<string, Promise<string>>();

async function fetchCert(url: string): Promise<string> {
  let pending = certs.get(url);
  if (!pending) {
    pending = fetch(url, { signal: AbortSignal.timeout(5000) }).then(async (res) => {
      if (!res.ok) throw new Error(`SigningCertURL answered ${res.status}`);
      return res.text();
    });
    certs.set(url, pending);
    pending.catch(() => certs.delete(url));
  }
  return pending;
}

/** Null when the message is signed by the certificate it names; otherwise why not. */
export async function verifySns(m: SnsMessage, allowed: (url: URL) => boolean = isAwsSnsUrl): Promise<string | null> {
  let certUrl: URL;
  try {
    certUrl = new URL(m.SigningCertURL);
  } catch {
    return 'SigningCertURL is not a URL';
  }
  if (!allowed(certUrl)) return `SigningCertURL ${certUrl.host} is not an Amazon SNS host`;
  const algorithm = m.SignatureVersion === '1' ? 'RSA-SHA1' : m.SignatureVersion === '2' ? 'RSA-SHA256' : null;
  if (!algorithm) return `SignatureVersion ${m.SignatureVersion} is not 1 or 2`;
  let cert: string;
  try {
    cert = await fetchCert(certUrl.toString());
  } catch (err) {
    return `cannot fetch the signing certificate: ${(err as Error).message}`;
  }
  try {
    const ok = createVerify(algorithm).update(snsStringToSign(m), 'utf8').verify(cert, m.Signature, 'base64');
    return ok ? null : 'the Signature does not match the message';
  } catch (err) {
    return `cannot check the signature: ${(err as Error).message}`;
  }
}
