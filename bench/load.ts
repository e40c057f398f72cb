import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon';
import { PACKAGE_ROOT } from '../src/paths.js';

/**
 * Load generator, run as its own process so it does not share the server's
 * event loop: signed AfterShip webhooks (the documented current format), each
 * with its own event_id and tracking number, so every request is new work.
 * Usage: node dist/bench/load.js <url> <seconds> <connections>; prints JSON.
 */
const [url, seconds, connections] = process.argv.slice(2);
const secret = process.env.AFTERSHIP_WEBHOOK_SECRET ?? 'bench-secret';
const template = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/webhooks/aftership-2025-07-customs.json'), 'utf8'));
let n = 0;

function nextBody(): { body: string; signature: string } {
  n += 1;
  template.event_id = randomUUID();
  template.msg.tracking_number = `LB${String(n).padStart(9, '0')}CN`;
  const body = JSON.stringify(template);
  return { body, signature: createHmac('sha256', secret).update(body).digest('base64') };
}

const result = await autocannon({
  url,
  duration: Number(seconds),
  connections: Number(connections),
  requests: [
    {
      method: 'POST',
      setupRequest: (request: Record<string, unknown>) => {
        const { body, signature } = nextBody();
        return { ...request, body, headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': signature } };
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p99: result.latency.p99,
    p50: result.latency.p50,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
);
