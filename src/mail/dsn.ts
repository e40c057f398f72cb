/**
 * RFC 3464 delivery status notifications, read with mailparser: the MIME
 * structure (multipart/report), and the message/delivery-status fields,
 * which use the header syntax (one block per message, then one per recipient).
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { MailEventInput } from '../store/mail-events.js';
import { sendIdFromVerp } from './compose.js';

export interface DsnRecipient {
  /** Final-Recipient's address (`rfc822; a@b` → `a@b`). */
  recipient: string;
  /** failed | delayed | delivered | relayed | expanded. */
  action: string;
  /** Enhanced status code, e.g. 5.1.1. */
  status: string | null;
  diagnostic: string | null;
}

export interface DsnReport {
  /** The DSN's own Message-ID (a key for storing it once). */
  id: string | null;
  date: number | null;
  recipients: DsnRecipient[];
  /** The bounced message's Message-ID, from its returned headers. */
  originalMessageId: string | null;
  /** The send id in a VERP address (`bounces+<id>@`), from wherever the bounce carries it. */
  verpSendId: number | null;
}

const field = (headers: Map<string, unknown>, name: string): string | null => {
  const value = headers.get(name);
  return typeof value === 'string' ? value.trim() : null;
};

/** `rfc822; a@b.example` → `a@b.example`. */
const typed = (value: string | null): string | null => (value ? value.replace(/^[^;]*;\s*/, '').trim() : null);

async function headerBlock(text: string): Promise<Map<string, unknown>> {
  return (await simpleParser(`${text.trim()}\r\n\r\n`)).headers as Map<string, unknown>;
}

function addresses(value: unknown): string[] {
  const list = (Array.isArray(value) ? value : value ? [value] : []) as AddressObject[];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);
}

function verpFrom(mail: ParsedMail, returned: Map<string, unknown> | null): number | null {
  const candidates = [
    ...addresses(mail.headers.get('to')), ...addresses(mail.headers.get('delivered-to')),
    field(mail.headers as Map<string, unknown>, 'x-original-to'), field(mail.headers as Map<string, unknown>, 'envelope-to'),
    returned ? field(returned, 'return-path') : null,
  ];
  for (const c of candidates) {
    const id = c ? sendIdFromVerp(c) : null;
    if (id !== null) return id;
  }
  return null;
}

/** The DSN in a message, or null when it is not one (an auto-reply, a human answer). */
export async function parseDsn(raw: Buffer | string): Promise<DsnReport | null> {
  const mail = await simpleParser(raw, { keepDeliveryStatus: true });
  const status = mail.attachments.find((a) => a.contentType === 'message/delivery-status');
  if (!status) return null;
  // Blocks are separated by blank lines; continuation lines stay with their field.
  const blocks = status.content.toString('utf8').replace(/\r\n/g, '\n').split(/\n\s*\n/).filter((b) => b.trim() !== '');
  const recipients: DsnRecipient[] = [];
  for (const block of blocks.slice(1)) {
    const h = await headerBlock(block);
    const recipient = typed(field(h, 'final-recipient')) ?? typed(field(h, 'original-recipient'));
    const action = field(h, 'action')?.toLowerCase();
    if (recipient && action) recipients.push({ recipient, action, status: field(h, 'status'), diagnostic: typed(field(h, 'diagnostic-code')) });
  }
  const original = mail.attachments.find((a) => a.contentType === 'text/rfc822-headers' || a.contentType === 'message/rfc822');
  const returned = original ? await headerBlock(original.content.toString('utf8').split(/\r?\n\r?\n/)[0]) : null;
  return {
    id: mail.messageId ?? null,
    date: mail.date ? mail.date.getTime() : null,
    recipients,
    originalMessageId: returned ? field(returned, 'message-id') : null,
    verpSendId: verpFrom(mail, returned),
  };
}

/** What a DSN says, as mail events: failed 5.x.x is a hard bounce, 4.x.x or delayed a deferral, delivered/relayed a delivery. */
export function dsnEvents(report: DsnReport, fallbackKey: string, now: number): MailEventInput[] {
  return report.recipients.map((r) => {
    const hard = r.action === 'failed' && r.status?.startsWith('5') === true;
    const kind = ['delivered', 'relayed', 'expanded'].includes(r.action) ? 'delivered' : hard ? 'bounced' : 'deferred';
    return {
      source: 'dsn',
      dedupKey: `${report.id ?? fallbackKey}.${r.recipient.toLowerCase()}.${r.action}`,
      kind,
      bounceType: r.action === 'failed' ? (hard ? 'hard' : 'soft') : null,
      email: r.recipient,
      sendId: report.verpSendId,
      messageIds: report.originalMessageId ? [report.originalMessageId] : [],
      detail: [r.status, r.diagnostic].filter(Boolean).join(' ') || r.action,
      occurredAt: report.date ?? now,
    };
  });
}
