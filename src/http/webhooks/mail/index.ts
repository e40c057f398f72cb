import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpAppDeps } from '../../deps.js';
import { BODY_LIMIT_BYTES, problem } from '../../errors.js';
import { secretOf, type WebhookSecretName } from '../../secrets.js';
import { adaptMailgun, adaptPostmark, adaptResend, adaptSes, type Adapted } from './adapters.js';
import { isAwsSnsUrl, isSnsMessage, verifySns } from './sns.js';
import { verifyMailgun, verifyPostmark, verifySvix } from './verify.js';

type Check = (raw: Buffer, payload: unknown, request: FastifyRequest, secret: string) => Promise<string | null> | string | null;
type Adapt = (payload: unknown, request: FastifyRequest) => Promise<Adapted | { answered: unknown }> | Adapted | { answered: unknown };

interface MailRoute {
  provider: string;
  secretName: WebhookSecretName;
  check: Check;
  adapt: Adapt;
}

function parse(raw: Buffer): unknown | Error {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return err as Error;
  }
}

/** Secret configured → signature → payload → mail events (deduplicated, matched, suppressions) → 200. */
function receive(route: MailRoute, deps: HttpAppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const secret = secretOf(deps.secrets, route.secretName);
    if (!secret) return reply.code(503).send(problem('not_configured', `${route.secretName} is not set, so ${route.provider} events are refused (README "Deliverability")`));
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const payload = parse(raw);
    // Postmark and Resend sign outside the body: refuse an unsigned request before saying anything about its JSON.
    if (payload instanceof Error) {
      const unsigned = route.provider === 'postmark' || route.provider === 'resend' ? await route.check(raw, null, request, secret) : null;
      if (unsigned) return reply.code(401).send(problem('bad_signature', unsigned));
      return reply.code(400).send(problem('malformed_json', `the body is not valid JSON: ${payload.message}`));
    }
    const refused = await route.check(raw, payload, request, secret);
    if (refused) return reply.code(401).send(problem('bad_signature', refused));
    const adapted = await route.adapt(payload, request);
    if ('answered' in adapted) return reply.code(200).send(adapted.answered);
    if ('invalid' in adapted) return reply.code(400).send(problem('invalid_payload', adapted.invalid));
    const result = await deps.ledger.recordMailEvents(adapted.events, deps.clock.now().toMillis());
    if (result.suppressed > 0) request.log.info({ provider: route.provider, ...result }, 'mail events: addresses suppressed');
    return reply.code(200).send({ status: 'ok', ...result });
  };
}

function sesRoute(deps: HttpAppDeps): MailRoute {
  const allowed = deps.snsUrlAllowed ?? isAwsSnsUrl;
  return {
    provider: 'ses',
    secretName: 'SES_SNS_TOPIC_ARN',
    async check(_raw, payload, _request, topics) {
      if (!isSnsMessage(payload)) return 'not an SNS message: Type, MessageId, TopicArn, Message, Signature and SigningCertURL are required';
      // Any AWS account can sign an SNS message: only the configured topics are ours.
      if (!topics.split(',').map((t) => t.trim()).includes(payload.TopicArn)) return `TopicArn ${payload.TopicArn} is not in SES_SNS_TOPIC_ARN`;
      return verifySns(payload, allowed);
    },
    async adapt(payload, request) {
      if (!isSnsMessage(payload)) return { invalid: 'not an SNS message' };
      if (payload.Type === 'SubscriptionConfirmation') {
        const url = payload.SubscribeURL ? new URL(payload.SubscribeURL) : null;
        if (!url || !allowed(url)) return { invalid: 'SubscribeURL is missing or not an Amazon SNS URL' };
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) return { invalid: `confirming the subscription failed: SubscribeURL answered ${res.status}` };
        request.log.info({ topic: payload.TopicArn }, 'SNS subscription confirmed');
        return { answered: { status: 'subscribed', topic: payload.TopicArn } };
      }
      if (payload.Type !== 'Notification') return { answered: { status: 'ignored', reason: payload.Type } };
      const message = parse(Buffer.from(payload.Message));
      if (message instanceof Error) return { invalid: `the SNS Message is not SES JSON: ${message.message}` };
      return adaptSes(message, deps.clock.now().toMillis());
    },
  };
}

function mailRoutes(deps: HttpAppDeps): MailRoute[] {
  const now = () => deps.clock.now().toMillis();
  return [
    sesRoute(deps),
    { provider: 'postmark', secretName: 'POSTMARK_WEBHOOK_AUTH', check: (_r, _p, request, s) => verifyPostmark(request.headers, s), adapt: (p) => adaptPostmark(p, now()) },
    {
      provider: 'resend', secretName: 'RESEND_WEBHOOK_SECRET',
      check: (raw, _p, request, s) => verifySvix(raw, request.headers, s, now()),
      adapt: (p, request) => adaptResend(p, String(request.headers['svix-id']), now()),
    },
    { provider: 'mailgun', secretName: 'MAILGUN_WEBHOOK_SIGNING_KEY', check: (_r, p, _q, s) => verifyMailgun(p, s, now()), adapt: (p) => adaptMailgun(p, now()) },
  ];
}

/**
 * POST /webhooks/mail/{ses,postmark,resend,mailgun}: email services' delivery,
 * bounce and complaint events. SNS posts JSON as text/plain, so both arrive as raw bytes.
 */
export const mailWebhookRoutes: FastifyPluginAsync<{ deps: HttpAppDeps }> = async (app, options) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
  for (const route of mailRoutes(options.deps)) app.post(`/${route.provider}`, receive(route, options.deps));
};
