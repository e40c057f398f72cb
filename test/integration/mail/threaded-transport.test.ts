import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifySendError } from '../../../src/mail/smtp-errors.js';
import { threadedSmtpTransport } from '../../../src/mail/threaded-transport.js';
import type { MailTransport, OutgoingMessage } from '../../../src/mail/transport.js';
import { silentLogger } from '../../../src/logger.js';
import { LONG_RUNNING, ONE_SHOT, Runtime } from '../../../src/runtime.js';
import { tempDir, testConfig } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';

const message = (n: number): OutgoingMessage => ({
  from: 'Care <care@example.com>',
  to: { name: `Buyer ${n}`, address: `b${n}@example.com` },
  subject: `Your order ${n} has shipped`,
  text: `Order ${n} is on its way.`,
  html: `<p>Order ${n} is on its way.</p>`,
  messageId: `<n${n}@postship.test>`,
  fileStem: `n${n}`,
});

describe('SMTP on its own thread', () => {
  let smtp: SmtpSink;
  let transport: MailTransport;

  beforeEach(async () => {
    smtp = await startSmtpSink();
    transport = threadedSmtpTransport(smtp.url, { timeoutMs: 2000 });
  });
  afterEach(async () => {
    await transport.close();
    await smtp.stop();
  });

  it('delivers concurrent messages and reports each server answer', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => transport.send(message(n))));
    expect(results.map((r) => r.messageId)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `<n${n}@postship.test>`));
    expect(results.every((r) => r.response.startsWith('250'))).toBe(true);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `b${n}@example.com`).sort());
    const parsed = await smtp.received[0].parse();
    expect(parsed.subject).toMatch(/^Your order \d has shipped$/);
  });

  it('brings back the SMTP facts of a rejection, so the retry policy reads them as on the main thread', async () => {
    smtp.failWith(550);
    const bounce = await transport.send(message(1)).catch((err: unknown) => err);
    expect(bounce).toMatchObject({ responseCode: 550, command: 'RCPT TO' });
    expect(classifySendError(bounce)).toBe('permanent');
    smtp.failWith(421);
    const throttled = await transport.send(message(2)).catch((err: unknown) => err);
    expect(classifySendError(throttled)).toBe('throttled');
    smtp.failWith(null);
    await expect(transport.send(message(3))).resolves.toMatchObject({ messageId: '<n3@postship.test>' });
  });

  it('reports an unreachable server as a transient network error, and verify fails the same way', async () => {
    await smtp.stop();
    const down = await transport.send(message(1)).catch((err: unknown) => err);
    // nodemailer names it by where the pool noticed: a refused connect or a pooled socket that closed.
    expect(['ECONNECTION', 'ESOCKET']).toContain((down as { code?: string }).code);
    expect(classifySendError(down)).toBe('transient');
    const verify = await transport.verify().catch((err: unknown) => err);
    expect(['ECONNECTION', 'ESOCKET']).toContain((verify as { code?: string }).code);
    await smtp.start();
    await expect(transport.verify()).resolves.toBeUndefined();
  });

  it('hands a connection its next message only once the previous one is recorded', async () => {
    const single = threadedSmtpTransport(`${smtp.url}/?maxConnections=1`);
    let recordFirst!: () => void;
    const firstRecorded = new Promise<void>((resolve) => (recordFirst = resolve));
    const order: string[] = [];
    const first = single.send(message(1), async (result) => {
      order.push(`accepted ${result.messageId}`);
      await firstRecorded;
      order.push('recorded <n1@postship.test>');
    });
    const second = single.send(message(2), async (result) => void order.push(`accepted ${result.messageId}`));
    await expect.poll(() => order).toEqual(['accepted <n1@postship.test>']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received).toHaveLength(1); // the second message waits while the first is unrecorded
    recordFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['accepted <n1@postship.test>', 'recorded <n1@postship.test>', 'accepted <n2@postship.test>']);
    expect(smtp.received).toHaveLength(2);
    await single.close();
  });

  it('fails the send with the error of a record that throws, and frees the connection', async () => {
    const single = threadedSmtpTransport(`${smtp.url}/?maxConnections=1`);
    await expect(single.send(message(1), async () => Promise.reject(new Error('database is locked')))).rejects.toThrow('database is locked');
    await expect(single.send(message(2))).resolves.toMatchObject({ messageId: '<n2@postship.test>' });
    await single.close();
  });

  it('can be closed twice, and before it ever sent', async () => {
    const unused = threadedSmtpTransport(smtp.url);
    await unused.close();
    await transport.send(message(1));
    await transport.close();
    await transport.close();
    expect(smtp.received).toHaveLength(1);
  });

  it('is what workers use for SMTP: not one-shot commands, not with POSTSHIP_SMTP_THREAD=off, not for the outbox', async () => {
    const dir = tempDir();
    const transportOf = async (mode: 'worker' | 'command', env: Record<string, string | undefined>) => {
      const runtime = new Runtime(testConfig(dir, env), { ...(mode === 'worker' ? LONG_RUNNING : ONE_SHOT), logger: silentLogger() });
      const description = runtime.transport().description;
      await runtime.close();
      return description;
    };
    try {
      expect(await transportOf('worker', { SMTP_URL: smtp.url })).toMatch(/^SMTP .*\(on its own thread\)$/);
      expect(await transportOf('worker', { SMTP_URL: smtp.url, POSTSHIP_SMTP_THREAD: 'off' })).not.toMatch(/thread/);
      expect(await transportOf('command', { SMTP_URL: smtp.url })).not.toMatch(/thread/);
      expect(await transportOf('worker', {})).toMatch(/^outbox /);
    } finally {
      dir.remove();
    }
  });
});
