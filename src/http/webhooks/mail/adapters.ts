/**
 * Each email service's event payload, as documented, read into mail events.
 * Which send an event is about: our Message-ID when the service echoes it,
 * else the service's own id (SES), else the recipient's latest letter
 * (src/store/mail-events.ts matches in that order).
 */
import type { MailEventInput } from '../../../store/mail-events.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const time = (v: unknown, fallback: number): number => {
  const t = typeof v === 'number' ? v * 1000 : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? Math.round(t) : fallback;
};

export type Adapted = { events: MailEventInput[] } | { invalid: string };

/** A header's value from SES's or Resend's `[{name, value}]` list. */
function headerOf(list: unknown, name: string): string | null {
  const found = arr(list).map(obj).find((h) => String(h.name ?? '').toLowerCase() === name);
  return found ? str(found.value) : null;
}

/** An SES notification or event-publishing record (the SNS Message, parsed). */
export function adaptSes(message: unknown, now: number): Adapted {
  const m = obj(message);
  const type = str(m.notificationType) ?? str(m.eventType);
  const mail = obj(m.mail);
  if (!type || !str(mail.messageId)) return { invalid: 'not an SES notification: notificationType (or eventType) and mail.messageId are required' };
  const messageIds = [headerOf(mail.headers, 'message-id'), str(obj(mail.commonHeaders).messageId), str(mail.messageId)].filter((x): x is string => x !== null);
  const base = { source: 'ses', messageIds };
  const events: MailEventInput[] = [];
  if (type === 'Bounce') {
    const b = obj(m.bounce);
    const hard = b.bounceType === 'Permanent';
    for (const r of arr(b.bouncedRecipients).map(obj)) {
      const email = str(r.emailAddress);
      if (!email) continue;
      events.push({ ...base, dedupKey: `${str(b.feedbackId) ?? mail.messageId}.${email}`, kind: hard ? 'bounced' : 'deferred', bounceType: hard ? 'hard' : 'soft',
        email, detail: [b.bounceType, b.bounceSubType, r.status, r.diagnosticCode].filter(Boolean).join(' '), occurredAt: time(b.timestamp, now) });
    }
  } else if (type === 'Complaint') {
    const c = obj(m.complaint);
    for (const r of arr(c.complainedRecipients).map(obj)) {
      const email = str(r.emailAddress);
      if (email) events.push({ ...base, dedupKey: `${str(c.feedbackId) ?? mail.messageId}.${email}`, kind: 'complained', email, detail: str(c.complaintFeedbackType) ?? 'abuse', occurredAt: time(c.timestamp, now) });
    }
  } else if (type === 'Delivery') {
    const d = obj(m.delivery);
    for (const email of arr(d.recipients).map(str)) {
      if (email) events.push({ ...base, dedupKey: `delivery.${mail.messageId}.${email}`, kind: 'delivered', email, detail: str(d.smtpResponse), occurredAt: time(d.timestamp, now) });
    }
  } else if (type === 'DeliveryDelay') {
    const d = obj(m.deliveryDelay);
    for (const r of arr(d.delayedRecipients).map(obj)) {
      const email = str(r.emailAddress);
      if (email) events.push({ ...base, dedupKey: `delay.${mail.messageId}.${email}.${str(d.timestamp)}`, kind: 'deferred', email, detail: [d.delayType, r.diagnosticCode].filter(Boolean).join(' '), occurredAt: time(d.timestamp, now) });
    }
  }
  return { events };
}

const POSTMARK_HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);

/** A Postmark Bounce, SpamComplaint or Delivery webhook body. */
export function adaptPostmark(payload: unknown, now: number): Adapted {
  const p = obj(payload);
  const record = str(p.RecordType);
  if (!record) return { invalid: 'not a Postmark webhook: RecordType is required' };
  const metaSend = Number(obj(p.Metadata).postship_send);
  const base = { source: 'postmark', sendId: Number.isInteger(metaSend) && metaSend > 0 ? metaSend : null, messageIds: [str(p.MessageID)].filter((x): x is string => x !== null) };
  if (record === 'Delivery') {
    const email = str(p.Recipient);
    if (!email) return { invalid: 'Postmark Delivery without Recipient' };
    return { events: [{ ...base, dedupKey: `delivery.${p.MessageID}.${email}`, kind: 'delivered', email, detail: str(p.Details), occurredAt: time(p.DeliveredAt, now) }] };
  }
  if (record === 'Bounce' || record === 'SpamComplaint') {
    const email = str(p.Email);
    if (!email) return { invalid: `Postmark ${record} without Email` };
    const complaint = record === 'SpamComplaint' || p.Type === 'SpamComplaint';
    const hard = POSTMARK_HARD.has(String(p.Type));
    return { events: [{ ...base, dedupKey: `${record}.${p.ID ?? p.MessageID}`, kind: complaint ? 'complained' : hard ? 'bounced' : 'deferred', bounceType: complaint ? null : hard ? 'hard' : 'soft',
      email, detail: [p.Type, p.Description, p.Details].filter(Boolean).join(': '), occurredAt: time(p.BouncedAt, now) }] };
  }
  return { events: [] };
}

/** A Resend webhook (`email.delivered`, `email.bounced`, `email.complained`, `email.delivery_delayed`); `eventId` is svix-id. */
export function adaptResend(payload: unknown, eventId: string, now: number): Adapted {
  const p = obj(payload);
  const type = str(p.type);
  const data = obj(p.data);
  if (!type || !str(data.email_id)) return { invalid: 'not a Resend webhook: type and data.email_id are required' };
  const kinds: Record<string, MailEventInput['kind']> = { 'email.delivered': 'delivered', 'email.bounced': 'bounced', 'email.complained': 'complained', 'email.delivery_delayed': 'deferred' };
  const kind = kinds[type];
  if (!kind) return { events: [] };
  const bounce = obj(data.bounce);
  const hard = kind === 'bounced' && bounce.type === 'Permanent';
  const tagSend = Number(obj(data.tags).postship_send);
  const messageIds = [headerOf(data.headers, 'message-id'), str(data.email_id)].filter((x): x is string => x !== null);
  return {
    events: arr(data.to).map(str).filter((e): e is string => e !== null).map((email) => ({
      source: 'resend', dedupKey: `${eventId}.${email}`, kind: kind === 'bounced' && !hard ? 'deferred' : kind, bounceType: kind === 'bounced' ? (hard ? 'hard' : 'soft') : null,
      email, messageIds, sendId: Number.isInteger(tagSend) && tagSend > 0 ? tagSend : null,
      detail: [bounce.type, bounce.subType, bounce.message].filter(Boolean).join(' ') || null, occurredAt: time(p.created_at, now),
    })),
  };
}

/** A Mailgun webhook body's `event-data` (delivered, failed permanent/temporary, complained). */
export function adaptMailgun(payload: unknown, now: number): Adapted {
  const e = obj(obj(payload)['event-data']);
  const event = str(e.event);
  const email = str(e.recipient);
  if (!event || !str(e.id)) return { invalid: 'not a Mailgun webhook: event-data.event and event-data.id are required' };
  if (!email || !['delivered', 'failed', 'complained'].includes(event)) return { events: [] };
  const status = obj(e['delivery-status']);
  const permanent = e.severity === 'permanent';
  const kind: MailEventInput['kind'] = event === 'delivered' ? 'delivered' : event === 'complained' ? 'complained' : permanent ? 'bounced' : 'deferred';
  const varSend = Number(obj(e['user-variables']).postship_send);
  const messageId = str(obj(obj(e.message).headers)['message-id']);
  return {
    events: [{
      source: 'mailgun', dedupKey: String(e.id), kind, bounceType: event === 'failed' ? (permanent ? 'hard' : 'soft') : null, email,
      messageIds: messageId ? [messageId] : [], sendId: Number.isInteger(varSend) && varSend > 0 ? varSend : null,
      detail: [status.code, status.message || status.description, e.reason].filter(Boolean).join(' ') || null, occurredAt: time(e.timestamp, now),
    }],
  };
}
