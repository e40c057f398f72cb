import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * What the tracking-provider stand-ins share: a real HTTP server on a free
 * loopback port, the parcels it tracks, a request log, and faults a test can
 * queue (the next N calls answer 429 or 503, with the provider's own headers).
 * Each provider's file speaks that provider's documented wire format.
 */

export interface Scan {
  /** ISO-8601 with offset, as the provider gives it. */
  time: string;
  /** The provider's status words for this scan (17TRACK sub_status, AfterShip subtag, TrackingMore substatus). */
  status: string;
  description?: string;
  location?: string;
}

export interface TrackedParcel {
  number: string;
  id: string;
  /** The carrier as the provider names it (17TRACK key, AfterShip slug, TrackingMore courier code). */
  carrier: string | number | null;
  scans: Scan[];
  stopped: boolean;
  /** What was sent on registration. */
  registration: unknown;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface StandIn {
  url: string;
  key: string;
  parcels: Map<string, TrackedParcel>;
  requests: LoggedRequest[];
  /** Numbers the provider refuses as undetectable / invalid. */
  invalid: Set<string>;
  /** Registrations left; null: unlimited. */
  quota: { left: number | null };
  /** The next calls answer these, in order, before any real work. */
  faults: Fault[];
  /** Each answer waits this long (a slow provider; a process killed mid-call). */
  delay: { ms: number };
  /** Adds a scan to a tracked parcel's history (the carrier scanned it). */
  scan(number: string, scan: Scan): void;
  /** Requests to one path (e.g. "/register"). */
  calls(path: string): LoggedRequest[];
  stop(): Promise<void>;
}

export type Route = (request: LoggedRequest, standIn: StandIn) => { status: number; body: unknown; headers?: Record<string, string> };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** Starts a stand-in: `authorized` checks the key header, `route` answers the rest. */
export async function startStandIn(options: {
  /** The API's base path, as in the provider's URL (e.g. "/track/v2.4"); `url` includes it. */
  prefix: string;
  key: string;
  authorized(headers: IncomingMessage['headers'], key: string): boolean;
  unauthorized: { status: number; body: unknown };
  route: Route;
}): Promise<StandIn> {
  let server: Server;
  const standIn: StandIn = {
    url: '',
    key: options.key,
    parcels: new Map(),
    requests: [],
    invalid: new Set(),
    quota: { left: null },
    faults: [],
    delay: { ms: 0 },
    scan(number, scan) {
      const parcel = standIn.parcels.get(number.toUpperCase());
      if (!parcel) throw new Error(`stand-in: ${number} is not registered`);
      parcel.scans.push(scan);
    },
    calls: (path) => standIn.requests.filter((r) => r.path === path),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const text = await readBody(req);
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    const request: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname.startsWith(options.prefix) ? url.pathname.slice(options.prefix.length) : url.pathname, query: url.searchParams, headers: req.headers, body };
    standIn.requests.push(request);
    if (standIn.delay.ms > 0) await new Promise((resolve) => setTimeout(resolve, standIn.delay.ms));
    if (!options.authorized(req.headers, standIn.key)) return answer(res, options.unauthorized.status, options.unauthorized.body);
    const fault = standIn.faults.shift();
    if (fault) return answer(res, fault.status, fault.body ?? {}, fault.headers);
    try {
      const { status, body: out, headers } = options.route(request, standIn);
      answer(res, status, out, headers);
    } catch (err) {
      answer(res, 500, { error: String(err) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  standIn.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${options.prefix}`;
  return standIn;
}

let ids = 0;
export function nextId(): string {
  ids += 1;
  return `${Date.now().toString(16)}${ids.toString(16).padStart(8, '0')}`;
}
