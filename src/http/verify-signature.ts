import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

type HeaderValue = string | string[] | undefined;

/**
 * Constant-time comparison of what the sender claims with what we compute.
 * The length check comes first because timingSafeEqual throws on unequal
 * lengths; lengths are not secret (every valid signature has the same one).
 */
export function safeEqual(claimed: string, expected: string): boolean {
  const a = Buffer.from(claimed, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One header value, or null when missing or sent more than once. */
function single(value: HeaderValue): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** AfterShip: `aftership-hmac-sha256` = base64 HMAC-SHA256 of the raw body, keyed with the webhook secret. */
export function aftershipSignature(raw: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

export function verifyAftership(raw: Buffer, header: HeaderValue, secret: string): boolean {
  const claimed = single(header);
  return claimed !== null && safeEqual(claimed, aftershipSignature(raw, secret));
}

/** 17TRACK: `sign` = hex SHA-256 of `raw body + "/" + API key` (a plain hash, not an HMAC). */
export function seventeenTrackSignature(raw: Buffer, apiKey: string): string {
  return createHash('sha256').update(raw).update(`/${apiKey}`, 'utf8').digest('hex');
}

export function verifySeventeenTrack(raw: Buffer, header: HeaderValue, apiKey: string): boolean {
  const claimed = single(header);
  return claimed !== null && safeEqual(claimed.toLowerCase(), seventeenTrackSignature(raw, apiKey));
}

/** postship generic: `x-postship-signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
export function genericSignature(raw: Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

export function verifyGeneric(raw: Buffer, header: HeaderValue, secret: string): boolean {
  const claimed = single(header);
  return claimed !== null && safeEqual(claimed.toLowerCase(), genericSignature(raw, secret));
}

/** EasyPost: `x-hmac-signature: hmac-sha256-hex=<hex HMAC-SHA256 of the raw body>`, keyed with the NFKD-normalized secret. */
export function easyPostSignature(raw: Buffer, secret: string): string {
  return `hmac-sha256-hex=${createHmac('sha256', Buffer.from(secret.normalize('NFKD'), 'utf8')).update(raw).digest('hex')}`;
}

export function verifyEasyPost(raw: Buffer, header: HeaderValue, secret: string): boolean {
  const claimed = single(header);
  return claimed !== null && safeEqual(claimed.toLowerCase(), easyPostSignature(raw, secret));
}

/**
 * TrackingMore v4: `signature` = hex HMAC-SHA256 of the `timestamp` header,
 * keyed with the webhook secret (TrackingMore signs the timestamp, not the body).
 */
export function trackingMoreSignature(timestamp: string, secret: string): string {
  return createHmac('sha256', secret).update(timestamp, 'utf8').digest('hex');
}

export function verifyTrackingMore(_raw: Buffer, header: HeaderValue, secret: string, headers?: Record<string, HeaderValue>): boolean {
  const claimed = single(header);
  const timestamp = single(headers?.timestamp);
  return claimed !== null && timestamp !== null && safeEqual(claimed.toLowerCase(), trackingMoreSignature(timestamp, secret));
}
