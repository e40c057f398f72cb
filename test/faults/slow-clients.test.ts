import type { ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/queue/ephemeral-redis.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { faultEnv, output, sleep, spawnCli, type FaultEnv } from './harness.js';

const TIMEOUT_S = 2;
const MAX_CONNECTIONS = 40;

/** Opens a loopback socket and reports when the server closes it (ms after opening), or null while open. */
function openSocket(port: number): { socket: Socket; closedAfter: () => number | null; opened: Promise<void> } {
  const started = Date.now();
  let closed: number | null = null;
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {}); // a reset is one way of being closed
  socket.on('close', () => (closed = Date.now() - started));
  socket.resume();
  const opened = new Promise<void>((resolve) => { socket.once('connect', () => resolve()); socket.once('close', () => resolve()); });
  return { socket, closedAfter: () => closed, opened };
}

/**
 * Slow clients against a running `postship serve` on 127.0.0.1: sockets that
 * dribble their headers one byte at a time, and sockets that hold a partial
 * 1 MB body. The server must cut both off after its request timeout, refuse
 * sockets past its cap, and answer normal requests once they are gone.
 * Bounded: 60 + 20 sockets, about 10 s in all.
 */
describe('fault: slow clients (slowloris, partial bodies) on loopback', () => {
  let smtp: SmtpSink;
  let fault: FaultEnv;
  let server: ChildProcess;
  let base: string;
  let port: number;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    fault = faultEnv(smtp);
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawnCli(['serve', '--port', String(port)], {
      ...fault.env, POSTSHIP_WEBHOOK_SECRET: 'slow-client-secret',
      POSTSHIP_HTTP_REQUEST_TIMEOUT: `PT${TIMEOUT_S}S`, POSTSHIP_HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
    });
    const deadline = Date.now() + 20_000;
    while ((await fetch(`${base}/healthz`).catch(() => null))?.status !== 200) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`postship serve did not become healthy:\n${output(server)}`);
      await sleep(100);
    }
  });
  afterAll(async () => {
    server?.kill('SIGKILL');
    await fault.close();
    await smtp.stop();
  });

  it('closes sockets that dribble their headers, refuses those past the cap, then serves again', async () => {
    const sockets = Array.from({ length: 60 }, () => openSocket(port));
    await Promise.all(sockets.map((s) => s.opened));
    const drip = setInterval(() => {
      for (const s of sockets) if (s.closedAfter() === null) s.socket.write('x');
    }, 500);
    for (const s of sockets) s.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    try {
      await expect.poll(() => sockets.filter((s) => s.closedAfter() === null).length, { timeout: (TIMEOUT_S + 4) * 1000, interval: 100 }).toBe(0);
    } finally {
      clearInterval(drip);
    }
    const times = sockets.map((s) => s.closedAfter()!).sort((a, b) => a - b);
    // Past the cap: refused at once. The rest: cut off after the request timeout (checked every second).
    expect(times.filter((t) => t < 1000).length).toBeGreaterThanOrEqual(60 - MAX_CONNECTIONS);
    expect(times.at(-1)!).toBeLessThan((TIMEOUT_S + 2) * 1000);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    console.log(`slow-clients: 60 slowloris sockets, ${times.filter((t) => t < 1000).length} refused at the cap, all closed by ${times.at(-1)} ms`);
  });

  it('closes sockets holding a partial 1 MB body before anyone authenticates', async () => {
    const sockets = Array.from({ length: 20 }, () => openSocket(port));
    await Promise.all(sockets.map((s) => s.opened));
    for (const s of sockets) {
      s.socket.write(`POST /webhooks/generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${1024 * 1000}\r\n\r\n`);
      s.socket.write(Buffer.alloc(512 * 1024, 0x20));
    }
    await expect.poll(() => sockets.filter((s) => s.closedAfter() === null).length, { timeout: (TIMEOUT_S + 4) * 1000, interval: 100 }).toBe(0);
    expect(Math.max(...sockets.map((s) => s.closedAfter()!))).toBeLessThan((TIMEOUT_S + 3) * 1000);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(output(server)).not.toMatch(/FATAL|uncaught/i);
  });
});
