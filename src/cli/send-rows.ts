import type { Command } from 'commander';
import { InputError } from '../domain/errors.js';

export { sendView } from '../report/send-view.js';
import { sendView } from '../report/send-view.js';

export type SendView = ReturnType<typeof sendView>;

export const EXPORT_COLUMNS: Array<[string, keyof SendView]> = [
  ['send_id', 'sendId'],
  ['order_id', 'orderId'],
  ['store', 'store'],
  ['milestone', 'milestone'],
  ['resend_of', 'resendOf'],
  ['status', 'status'],
  ['due_utc', 'dueUtc'],
  ['due_local', 'dueLocal'],
  ['sent_utc', 'sentUtc'],
  ['country', 'country'],
  ['carrier', 'carrier'],
  ['tracking_number', 'trackingNumber'],
  ['buyer_email', 'buyerEmail'],
  ['message_id', 'messageId'],
  ['reason', 'reason'],
  ['error', 'error'],
];

export function addFilterOptions(command: Command): Command {
  return command
    .option('--status <list>', 'scheduled, queued, sending, sent, skipped, cancelled, failed (comma-separated)')
    .option('--milestone <list>', 'shipped, day1, customs, post_office, day14 (comma-separated)')
    .option('--carrier <list>', 'carrier codes (comma-separated)')
    .option('--country <list>', 'ISO 3166-1 alpha-2 codes (comma-separated)')
    .option('--store <list>', 'store ids (comma-separated)')
    .option('--since <iso>', 'due at or after this date/time (UTC)')
    .option('--until <iso>', 'due before this date/time (UTC; a bare date includes that day)');
}

export interface PagingFlags {
  limit?: string;
  page?: string;
  offset?: string;
}

function whole(problems: string[], flag: string, value: string | undefined, min: number, max: number): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${flag} ${JSON.stringify(value)} must be a whole number from ${min} to ${max}`);
    return null;
  }
  return n;
}

/** --limit with --page (1-based) or --offset; `defaultLimit` null means "no limit". */
export function parsePaging(flags: PagingFlags, defaultLimit: number | null): { limit: number | null; offset: number; page: number | null } {
  const problems: string[] = [];
  const limit = whole(problems, '--limit', flags.limit, 1, 100_000) ?? defaultLimit;
  const page = whole(problems, '--page', flags.page, 1, 10_000_000);
  const offset = whole(problems, '--offset', flags.offset, 0, Number.MAX_SAFE_INTEGER);
  if (page !== null && offset !== null) problems.push('--page and --offset do not go together; use one');
  if (page !== null && limit === null) problems.push('--page needs --limit');
  if (problems.length > 0) throw new InputError('paging_invalid', problems);
  return { limit, page, offset: offset ?? (page !== null && limit !== null ? (page - 1) * limit : 0) };
}

/** Runs several flag validators and reports all their problems together. */
export function validateAll<A, B>(a: () => A, b: () => B): [A, B] {
  const problems: string[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const ra = attempt(a);
  const rb = attempt(b);
  if (problems.length > 0) throw new InputError('flags_invalid', problems);
  return [ra as A, rb as B];
}
