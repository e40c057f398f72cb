/**
 * Bounce messages as receiving MTAs write them (RFC 3464 inside an RFC 6522
 * multipart/report): a human-readable part, message/delivery-status (a
 * per-message block, then one block per recipient), the returned headers.
 */
export interface DsnSpec {
  /** Where the bounce was delivered: the VERP address, or the plain sender. */
  to: string;
  recipient: string;
  action: 'failed' | 'delayed' | 'delivered';
  status: string;
  diagnostic: string;
  /** The bounced message's headers (Message-ID, Return-Path...). */
  original: Record<string, string>;
  id?: string;
}

/** Folds at the first space after 40 characters (RFC 5322 folding: the line break goes before whitespace). */
function fold(text: string): string {
  const at = text.indexOf(' ', 40);
  return at < 0 ? text : `${text.slice(0, at)}\r\n   ${text.slice(at)}`;
}

export function buildDsn(spec: DsnSpec): string {
  const boundary = `=_report_${Math.random().toString(36).slice(2)}`;
  const original = Object.entries(spec.original).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  return [
    'Return-Path: <>',
    `Delivered-To: ${spec.to}`,
    'From: Mail Delivery System <MAILER-DAEMON@mx1.mail.example>',
    `To: ${spec.to}`,
    `Subject: ${spec.action === 'delayed' ? 'Delayed Mail (still being retried)' : 'Undelivered Mail Returned to Sender'}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${spec.id ?? `<${Math.random().toString(36).slice(2)}@mx1.mail.example>`}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx1.mail.example.',
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx1.mail.example',
    `Arrival-Date: ${new Date(Date.now() - 60_000).toUTCString()}`,
    '',
    `Final-Recipient: rfc822; ${spec.recipient}`,
    `Original-Recipient: rfc822;${spec.recipient}`,
    `Action: ${spec.action}`,
    `Status: ${spec.status}`,
    'Remote-MTA: dns; mx.recipient.example',
    // Folded, as MTAs do with long diagnostics.
    `Diagnostic-Code: smtp; ${fold(spec.diagnostic)}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    original,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
