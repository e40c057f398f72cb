import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  messageId: string | null;
  subject: string | null;
  /** MIME-decoded message: html, text, headers. */
  parse(): Promise<ParsedMail>;
}

export interface SmtpSink {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Makes the next RCPT TO / DATA answer with this SMTP code, or stops doing so (null). */
  failWith(code: number | null, stage?: 'rcpt' | 'data'): void;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A header's unfolded value from a raw message. */
export function header(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded);
  return match ? match[1].trim() : null;
}

/** A real SMTP server in-process, recording every message it accepts. */
export async function startSmtpSink(port = 0, extra: Partial<SMTPServerOptions> = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  let failure: { code: number; stage: 'rcpt' | 'data' } | null = null;
  const makeError = (code: number) => Object.assign(new Error(`test failure ${code}`), { responseCode: code });
  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      closeTimeout: 200,
      onRcptTo(_address, _session, cb) {
        if (failure?.stage === 'rcpt') return cb(makeError(failure.code));
        cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (failure?.stage === 'data') return cb(makeError(failure.code));
          const raw = Buffer.concat(chunks).toString('utf8');
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            messageId: header(raw, 'Message-ID'),
            subject: header(raw, 'Subject'),
            parse: () => simpleParser(raw),
          });
          cb();
        });
      },
      ...extra,
    });
  const createListening = () => {
    const created = create();
    // A client killed mid-session resets its connection: expected in fault tests, not a test failure.
    created.on('error', () => {});
    return created;
  };
  let server = createListening();
  let boundPort = port;
  const sink: SmtpSink = {
    get url() {
      return `smtp://127.0.0.1:${boundPort}`;
    },
    get port() {
      return boundPort;
    },
    received,
    failWith(code, stage = 'rcpt') {
      failure = code === null ? null : { code, stage };
    },
    async start() {
      server = createListening();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(boundPort, '127.0.0.1', () => {
          const address = server.server.address();
          if (typeof address === 'object' && address) boundPort = address.port;
          resolve();
        });
      });
    },
    stop() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  await sink.start();
  return sink;
}
