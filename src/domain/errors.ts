/**
 * One base error with a machine code, a message saying what is wrong and a hint
 * saying how to fix it. The kind decides how each edge translates it:
 * `input` → CLI exit 2 / HTTP 400; `runtime` → CLI exit 1 / HTTP 503.
 */
export type ErrorKind = 'input' | 'runtime';

export class PostshipError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, code: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PostshipError';
    this.kind = kind;
    this.code = code;
    this.hint = hint;
  }
}

/** Bad input: names the field, the bad value and the fix. */
export class InputError extends PostshipError {
  readonly problems: string[];
  constructor(code: string, problems: string[], hint?: string) {
    super('input', code, problems.join('\n'), hint);
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** A dependency (Redis, SQLite, SMTP) is unavailable or misconfigured. */
export class RuntimeError extends PostshipError {
  constructor(code: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super('runtime', code, message, hint, options);
    this.name = 'RuntimeError';
  }
}
