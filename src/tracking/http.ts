/**
 * One HTTP call to a tracking provider's API, classified the way the sync
 * needs it: a body to read, a wait (429, 5xx, network, with the provider's
 * Retry-After), or a refused key. Rate limiting is per provider: requests
 * are spaced so a batch drain never exceeds the documented rate.
 */

export interface ProviderAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null when the body was empty or not JSON. */
  body: unknown;
  text: string;
}

/** Thrown for answers the caller should wait out: nothing was done, the same request may be repeated. */
export class ProviderUnavailable extends Error {
  constructor(
    message: string,
    /** How long the provider asked us to wait, when it said. */
    readonly retryAfterMs: number | null,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ProviderUnavailable';
  }
}

/** Thrown when the provider refuses the API key (401/403): every call will fail until the key is fixed. */
export class ProviderUnauthorized extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderUnauthorized';
  }
}

/** Thrown when the account's quota is used up: registration pauses until it is restored. */
export class ProviderQuotaExhausted extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderQuotaExhausted';
  }
}

/** `Retry-After` (seconds or an HTTP date), else an `X-RateLimit-Reset` unix time, in ms from now. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const after = headers.get('retry-after');
  if (after) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(after);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) {
    // Unix seconds (AfterShip); a small number is a delay in seconds.
    return reset > 1e9 ? Math.max(0, reset * 1000 - now) : reset * 1000;
  }
  return null;
}

/** Spaces calls `minIntervalMs` apart (a provider's requests-per-second limit), one at a time. */
export class Pacer {
  private next = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly minIntervalMs: number) {}

  wait(): Promise<void> {
    const turn = this.chain.then(async () => {
      const delay = this.next - Date.now();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      this.next = Date.now() + this.minIntervalMs;
    });
    this.chain = turn.catch(() => {});
    return turn;
  }
}

export interface CallOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  /** Which provider, for messages. */
  provider: string;
}

/**
 * Makes the call and throws ProviderUnavailable for 429, 5xx, timeouts and
 * network errors, ProviderUnauthorized for 401/403. Any other answer is the
 * caller's to read (providers put their own error codes in 4xx bodies).
 */
export async function callProvider(options: CallOptions): Promise<ProviderAnswer> {
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: options.method,
      headers: { accept: 'application/json', ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new ProviderUnavailable(`${options.provider} ${options.method} ${pathOf(options.url)}: ${cause === 'TimeoutError' ? 'no answer in time' : `unreachable (${cause})`}`, null, null);
  }
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const where = `${options.provider} ${options.method} ${pathOf(options.url)}`;
  if (response.status === 429) {
    throw new ProviderUnavailable(`${where}: 429 rate limited`, retryAfterMs(response.headers), 429);
  }
  if (response.status >= 500) {
    throw new ProviderUnavailable(`${where}: HTTP ${response.status}`, retryAfterMs(response.headers), response.status);
  }
  return { status: response.status, headers: response.headers, body, text };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** A short excerpt of a body for error messages and the ledger. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
