/**
 * Amazon SES v2 as the SDK sees it: POST /v2/email/outbound-emails with a
 * SigV4-signed JSON body (Content.Raw.Data base64), answered with
 * {"MessageId"}; errors as AWS's REST-JSON protocol sends them
 * (x-amzn-ErrorType header, {"message"} body).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SesStandIn {
  url: string;
  sent: Array<{ raw: string; from: string | null; to: string[]; authorization: string; messageId: string }>;
  /** The next n requests answer 429 TooManyRequestsException. */
  throttleNext(n: number): void;
  stop(): Promise<void>;
}

export async function startSesStandIn(): Promise<SesStandIn> {
  const sent: SesStandIn['sent'] = [];
  let throttle = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: object, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomBytes(8).toString('hex'), ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/v2/email/outbound-emails') return reply(404, { message: `no route ${req.method} ${req.url}` }, { 'x-amzn-errortype': 'NotFoundException' });
      const authorization = String(req.headers.authorization ?? '');
      if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/ses\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.test(authorization)) {
        return reply(403, { message: 'Missing or malformed SigV4 Authorization' }, { 'x-amzn-errortype': 'UnrecognizedClientException' });
      }
      if (throttle > 0) {
        throttle -= 1;
        return reply(429, { message: 'Maximum sending rate exceeded.' }, { 'x-amzn-errortype': 'TooManyRequestsException' });
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const raw = Buffer.from(body.Content?.Raw?.Data ?? '', 'base64').toString('utf8');
      if (!raw) return reply(400, { message: 'Content.Raw.Data is required' }, { 'x-amzn-errortype': 'BadRequestException' });
      const messageId = `0100018c${randomBytes(12).toString('hex')}-000000`;
      sent.push({ raw, from: body.FromEmailAddress ?? null, to: body.Destination?.ToAddresses ?? [], authorization, messageId });
      reply(200, { MessageId: messageId });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    throttleNext: (n) => (throttle = n),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
