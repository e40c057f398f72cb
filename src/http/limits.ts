import { createServer, type Server } from 'node:http';
import type { FastifyServerOptions } from 'fastify';

export interface HttpLimits {
  /** Headers and the whole body must arrive within this (slowloris, slow bodies); sockets idle this long close. */
  requestTimeoutMs: number;
  /** Connections open at once; a new one past it is closed at once. */
  maxConnections: number;
}

/** Between two requests a kept-alive socket waits this long: providers reconnect cheaply. */
const KEEP_ALIVE_MS = 5_000;

/**
 * The Node server under fastify, built with timeouts a webhook endpoint can
 * afford: a provider sends a few KB at once, so a client that dribbles its
 * headers or holds a partial body is cut off after `requestTimeoutMs`
 * (checked every second, not Node's default 30 s), and at most
 * `maxConnections` sockets are open, so neither sockets nor buffered partial
 * bodies grow without bound before anyone has authenticated.
 */
export function limitedServerOptions(limits: HttpLimits): Pick<FastifyServerOptions, 'serverFactory'> {
  return {
    serverFactory: (handler) => {
      const server: Server = createServer(
        {
          headersTimeout: limits.requestTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: Math.min(KEEP_ALIVE_MS, limits.requestTimeoutMs),
          connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs),
        },
        handler,
      );
      server.maxConnections = limits.maxConnections;
      server.setTimeout(limits.requestTimeoutMs, (socket) => socket.destroy());
      return server;
    },
  };
}

export function httpLimitsFrom(config: { httpRequestTimeoutMs: number; httpMaxConnections: number }): HttpLimits {
  return { requestTimeoutMs: config.httpRequestTimeoutMs, maxConnections: config.httpMaxConnections };
}
