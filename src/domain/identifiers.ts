/**
 * One rule for the identifiers buyers and providers hand us, on every route
 * (CSV, CLI, webhooks, polls): ASCII only where a carrier's system is ASCII,
 * and no Unicode case folding anywhere (`"ß".toUpperCase()` is "SS", and the
 * Kelvin sign lowercases to "k": either would match someone else's parcel
 * or address).
 */

/** Uppercases a-z only. */
export function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Lowercases A-Z only. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export const TRACKING_NUMBER_MAX = 64;
const TRACKING_NUMBER = /^[A-Za-z0-9-]+$/;

/** A tracking number as stored and compared: trimmed, 1-64 ASCII letters, digits or dashes, uppercased; else null. */
export function normalizeTrackingNumber(raw: string): string | null {
  const value = raw.trim();
  if (value.length === 0 || value.length > TRACKING_NUMBER_MAX || !TRACKING_NUMBER.test(value)) return null;
  return asciiUpper(value);
}

export const TRACKING_NUMBER_RULE = `1-${TRACKING_NUMBER_MAX} ASCII letters, digits or dashes`;

// Local part: dot-atoms of ASCII atext, or letters/digits/marks of any script (internationalized addresses).
const LOCAL = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~\p{L}\p{N}\p{M}-]+)(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\p{L}\p{N}\p{M}-]+)*$/u;
// Domain: dot-separated labels, no empty label, no label starting or ending with "-", a TLD of 2+ letters (or xn--).
const LABEL = /^(?!-)[A-Za-z0-9\p{L}\p{N}\p{M}-]{1,63}(?<!-)$/u;
const TLD = /^(?:[A-Za-z\p{L}]{2,63}|xn--[A-Za-z0-9-]{1,59})$/u;

/** Whether `email` is a deliverable-looking address: one @, a sane local part, a real domain shape, no controls or spaces. */
export function isEmailAddress(email: string): boolean {
  if (email.length > 254 || /[\p{C}\p{Z}]/u.test(email)) return false;
  const at = email.lastIndexOf('@');
  if (at <= 0 || at !== email.indexOf('@')) return false;
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  if (local.length > 64 || !LOCAL.test(local) || labels.length < 2) return false;
  return labels.every((l) => LABEL.test(l)) && TLD.test(labels[labels.length - 1]);
}

/** How addresses are compared (suppressions, unsubscribe links): ASCII lowercasing, nothing more. */
export function emailKey(email: string): string {
  return asciiLower(email.trim());
}
