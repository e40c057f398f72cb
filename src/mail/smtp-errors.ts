/**
 * How a failed send is retried, decided from nodemailer's error `code` and the
 * SMTP `responseCode`, never from message text.
 * - transient: network trouble or a 4xx; retry with backoff, using up an attempt;
 * - throttled: the server asks us to slow down; retry later without using one;
 * - permanent: a 5xx on the recipient or the message; the address is suppressed.
 */
import { redactUserinfo } from '../domain/redact.js';
export type SendFailureClass = 'transient' | 'throttled' | 'permanent';

const NETWORK_CODES = new Set([
  'ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH',
  'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ETLS', 'EPROTOCOL', 'EMAXLIMIT', 'ESTREAM',
]);

/** 421: service closing / too many connections; 450/451/452 are commonly rate limits. */
const THROTTLE_RESPONSES = new Set([421, 450, 451, 452]);

export interface SmtpLikeError {
  code?: string;
  responseCode?: number;
  command?: string;
}

export function classifySendError(err: unknown): SendFailureClass {
  const e = (err ?? {}) as SmtpLikeError;
  const response = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (response !== undefined) {
    if (THROTTLE_RESPONSES.has(response)) return 'throttled';
    if (response >= 400 && response < 500) return 'transient';
    // A 5xx on authentication is our configuration, not the buyer's address: keep retrying until fixed.
    if (response >= 500 && e.code === 'EAUTH') return 'transient';
    if (response >= 500) return 'permanent';
  }
  if (e.code && NETWORK_CODES.has(e.code)) return 'transient';
  // An error without SMTP facts (e.g. an outbox disk error) is presumed transient: retrying is safe.
  return 'transient';
}

/** A one-line, secret-free description for the ledger and logs. */
export function describeSendError(err: unknown): string {
  const e = (err ?? {}) as SmtpLikeError & { message?: string; response?: string };
  const parts = [e.code, e.responseCode, e.command].filter((p) => p !== undefined && p !== '');
  const detail = redactUserinfo(e.response ?? e.message ?? String(err));
  return `${parts.length ? `${parts.join(' ')}: ` : ''}${detail}`.slice(0, 500);
}
