import { pino, type Logger } from 'pino';

/** Redact anything that may carry a secret, wherever it appears in a log object. */
const REDACT = ['*.password', '*.pass', '*.secret', '*.apiKey', 'smtpUrl', 'redisUrl', 'headers.authorization', '*.headers.authorization'];

export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY && !process.env.CI);
  return pino({
    level,
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: '***' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } } : {}),
  });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
