import type { Logger } from 'pino';

/** Routes whose query strings carry personal data or secrets: unsubscribe tokens, base64 emails, admin searches. */
const PRIVATE_QUERY = /^\/(unsubscribe|admin)(\/|\?|$)/;

/** A request URL fit for the log: the query of a private route becomes `?[redacted]`. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  return q !== -1 && PRIVATE_QUERY.test(url) ? `${url.slice(0, q)}?[redacted]` : url;
}

interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * The HTTP servers' logger: fastify's request lines ("incoming request")
 * without the query strings of unsubscribe and admin routes.
 */
export function httpLogger(logger: Logger): Logger {
  return logger.child({}, {
    serializers: {
      req: (req: RequestLike) => ({
        method: req.method,
        url: loggableUrl(req.url ?? ''),
        host: req.host ?? req.hostname,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  });
}
