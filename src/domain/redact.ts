/**
 * Hides the userinfo of every URL in a text: `smtp://user:pa/ss@host` →
 * `smtp://***@host`. The userinfo runs from `//` to the last `@` of the URL,
 * whatever characters it holds: a password with an unencoded `/`, `?`, `#`
 * or `@` is still hidden (a URL with `@` in its path or query loses a little
 * more than its userinfo from view, never less).
 */
export function redactUserinfo(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s"'<>]*@/gi, '$1***@');
}

/** The hint for a URL that does not parse: the usual cause is an unencoded character in the password. */
export const PERCENT_ENCODE_HINT =
  'percent-encode reserved characters in the user name and password (/ as %2F, @ as %40, : as %3A, # as %23, ? as %3F, + as %2B)';
