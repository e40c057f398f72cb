import { createHmac, timingSafeEqual } from 'node:crypto';
import { emailKey } from './identifiers.js';
import type { Milestone } from './milestones.js';

/**
 * The letters a buyer may opt out of with one click (List-Unsubscribe, the footer link):
 * the review request and the delay notice. Everything else is about the parcel itself
 * (shipped, customs, arrival, pickup, replies to the buyer) and keeps coming.
 */
export const OPTIONAL_LETTERS: ReadonlySet<Milestone> = new Set<Milestone>(['day14', 'delay']);

/**
 * Signed one-click unsubscribe links (RFC 8058) for review requests. The link
 * carries the address and an HMAC of it, so the endpoint needs no lookup table
 * and nobody can unsubscribe an address they did not receive a link for.
 */
function sign(secret: string, email: string): Buffer {
  return createHmac('sha256', secret).update(`postship.unsubscribe.review\n${emailKey(email)}`).digest();
}

export function unsubscribeToken(secret: string, email: string): string {
  return sign(secret, email).toString('base64url');
}

export function verifyUnsubscribeToken(secret: string, email: string, token: string): boolean {
  const expected = sign(secret, email);
  const given = Buffer.from(token, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function unsubscribeUrl(publicUrl: string, secret: string, email: string): string {
  const url = new URL('/unsubscribe', publicUrl);
  url.searchParams.set('e', Buffer.from(emailKey(email)).toString('base64url'));
  url.searchParams.set('t', unsubscribeToken(secret, email));
  return url.toString();
}

/** The address in a link, or null when the parameter is not valid base64url text. */
export function emailFromLink(param: string): string | null {
  const email = Buffer.from(param, 'base64url').toString('utf8');
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
}

/** RFC 8058 headers for a message whose recipient may opt out with one POST. */
export function listUnsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
