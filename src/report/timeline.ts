import { DateTime } from 'luxon';
import type { OrderRow, SendRow } from '../store/ledger.js';

export interface TimelineEntry {
  sendId: number;
  milestone: string;
  /** 0 for the first message of a milestone; 1, 2... for repeats (second delay notice, pickup reminders). */
  seq: number;
  resendOf: number | null;
  status: string;
  dueLocal: string;
  dueUtc: string;
  sentLocal: string | null;
  sentUtc: string | null;
  attempts: number;
  messageId: string | null;
  reason: string | null;
  error: string | null;
  template: string | null;
}

function local(ms: number | null, zone: string): string | null {
  return ms === null ? null : DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd HH:mm:ss ZZZZ");
}

function utc(ms: number | null): string | null {
  return ms === null ? null : DateTime.fromMillis(ms, { zone: 'utc' }).toISO({ suppressMilliseconds: true });
}

/** An order's sends as its buyer would read the clock: due and sent times in the buyer's zone. */
export function timelineOf(order: OrderRow, sends: SendRow[]): TimelineEntry[] {
  return sends.map((s) => ({
    sendId: s.id,
    milestone: s.milestone,
    seq: s.seq,
    resendOf: s.resendOf,
    status: s.status,
    dueLocal: local(s.dueAt, order.buyerTimezone)!,
    dueUtc: utc(s.dueAt)!,
    sentLocal: local(s.sentAt, order.buyerTimezone),
    sentUtc: utc(s.sentAt),
    attempts: s.attempts,
    messageId: s.messageId,
    reason: s.reason,
    error: s.error,
    template: s.template,
  }));
}

/** Plain fixed-width table; fits 80 columns for the usual values. */
export function formatTable(headers: string[], rows: Array<Array<string | null>>): string {
  const cells = rows.map((r) => r.map((c) => c ?? '-'));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function formatTimeline(order: OrderRow, entries: TimelineEntry[]): string {
  const head = `${order.orderId}  ${order.country} ${order.carrier} ${order.trackingNumber}  ${order.buyerEmail}  (${order.buyerTimezone}, ${order.state})`;
  const rows = entries.map((e) => [
    `${entryName(e)}${e.resendOf ? ' (resend)' : ''}`,
    e.status,
    e.dueLocal.slice(0, 19),
    e.sentLocal ? e.sentLocal.slice(5, 19) : null,
    e.reason ?? (e.status === 'failed' ? (e.error ?? '').slice(0, 28) : null),
  ]);
  return `${head}\n${formatTable(['milestone', 'status', 'due (buyer local)', 'sent', 'reason'], rows)}`;
}

/** `pickup_reminder #2` for a repeated milestone, the plain name otherwise. */
export function entryName(e: Pick<TimelineEntry, 'milestone' | 'seq'>): string {
  return e.seq > 0 ? `${e.milestone} #${e.seq + 1}` : e.milestone;
}
