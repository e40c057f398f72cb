/** SMTP_URL helpers, shared by the inline and the threaded transport. */
import { redactUserinfo } from '../domain/redact.js';

/** Adds `pool=true` unless the URL says otherwise: one connection per message is ~15x slower. */
export function pooledUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  return url.toString();
}

/** The URL without its userinfo (user name and password): `smtp://***@host:587`. */
export function redactUrl(smtpUrl: string): string {
  return redactUserinfo(smtpUrl);
}
