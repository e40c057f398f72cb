/** How Postmark, Resend (Svix) and Mailgun sign their webhooks, each as its documentation says. */
import { createHmac, timingSafeEqual } from 'node:crypto';

function same(a: string | Buffer, b: string | Buffer): boolean {
  const x = Buffer.isBuffer(a) ? a : Buffer.from(a);
  const y = Buffer.isBuffer(b) ? b : Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

type Headers = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Postmark: HTTP basic auth credentials in the webhook URL; POSTMARK_WEBHOOK_AUTH is `user:password`. */
export function verifyPostmark(headers: Headers, userPass: string): string | null {
  const auth = one(headers.authorization);
  if (!auth?.startsWith('Basic ')) return 'missing Authorization: Basic header (put user:password@ in the webhook URL)';
  return same(Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8'), userPass) ? null : 'wrong basic-auth user or password';
}

/** Svix, which Resend signs with: HMAC-SHA256 over `id.timestamp.body` with the base64 key after `whsec_`. */
export function verifySvix(raw: Buffer, headers: Headers, secret: string, nowMs: number, toleranceS = 300): string | null {
  const id = one(headers['svix-id']);
  const ts = one(headers['svix-timestamp']);
  const sigs = one(headers['svix-signature']);
  if (!id || !ts || !sigs) return 'missing svix-id, svix-timestamp or svix-signature header';
  const seconds = Number(ts);
  if (!Number.isInteger(seconds) || Math.abs(nowMs / 1000 - seconds) > toleranceS) return 'svix-timestamp is more than 5 minutes away from now (replayed or clock skew)';
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.`).update(raw).digest('base64');
  const ok = sigs.split(' ').some((s) => {
    const [version, sig] = s.split(',');
    return version === 'v1' && sig !== undefined && same(sig, expected);
  });
  return ok ? null : 'svix-signature does not match the body (check RESEND_WEBHOOK_SECRET, the whsec_ signing secret)';
}

/** How old a Mailgun signature may be: Mailgun retries a failed delivery for hours, and events deduplicate by id. */
const MAILGUN_MAX_AGE_S = 24 * 3600;

/** Mailgun: `signature` in the body, hex HMAC-SHA256 of timestamp + token with the webhook signing key. */
export function verifyMailgun(payload: unknown, key: string, nowMs: number): string | null {
  const s = (payload as { signature?: { timestamp?: unknown; token?: unknown; signature?: unknown } } | null)?.signature;
  if (!s || typeof s.token !== 'string' || typeof s.signature !== 'string' || (typeof s.timestamp !== 'string' && typeof s.timestamp !== 'number')) {
    return 'missing signature {timestamp, token, signature} in the body';
  }
  if (Math.abs(nowMs / 1000 - Number(s.timestamp)) > MAILGUN_MAX_AGE_S) return 'signature.timestamp is more than a day old';
  const expected = createHmac('sha256', key).update(`${s.timestamp}${s.token}`).digest('hex');
  return same(expected, s.signature) ? null : 'signature does not match (check MAILGUN_WEBHOOK_SIGNING_KEY, the HTTP webhook signing key)';
}
