import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InputError } from '../../domain/errors.js';
import { recordFeedback, type FeedbackDeps, type FeedbackOutcome } from '../../services/feedback.js';
import type { HttpAppDeps } from '../deps.js';
import { problem } from '../errors.js';
import { secretOf } from '../secrets.js';
import { verifyGeneric } from '../verify-signature.js';

export type { FeedbackHooks } from '../deps.js';

const Item = z.strictObject({
  feedback_id: z.string().trim().min(1).max(200),
  order_id: z.string().trim().min(1).max(200),
  rating: z.number().int().min(1).max(5),
  text: z.string().max(2000).nullish(),
  left_at: z
    .string()
    .refine((t) => /(Z|[+-]\d\d:?\d\d)$/.test(t) && Number.isFinite(Date.parse(t)), { message: 'must be an ISO-8601 instant with a zone' })
    .optional(),
});
const Payload = z.union([Item.transform((i) => [i]), z.strictObject({ feedback: z.array(Item).min(1).max(100) }).transform((p) => p.feedback)]);

/**
 * POST /webhooks/feedback: ratings from a review platform, signed like the
 * generic tracking webhook (`x-postship-signature: sha256=<hex HMAC-SHA256 of
 * the raw body>`, POSTSHIP_WEBHOOK_SECRET). `feedback_id` dedups retries; an
 * unknown order is acknowledged (a retry would not make it known) and reported.
 */
export function receiveFeedback(deps: HttpAppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const secret = secretOf(deps.secrets, 'POSTSHIP_WEBHOOK_SECRET');
    if (!secret) return reply.code(503).send(problem('not_configured', 'POSTSHIP_WEBHOOK_SECRET is not set, so feedback webhooks are refused'));
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!verifyGeneric(raw, request.headers['x-postship-signature'], secret)) {
      return reply.code(401).send(problem('bad_signature', 'missing or invalid x-postship-signature header'));
    }
    if (!deps.feedback) return reply.code(503).send(problem('not_configured', 'this process does not record feedback'));
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return reply.code(400).send(problem('malformed_json', `the body is not valid JSON: ${(err as Error).message}`));
    }
    const parsed = Payload.safeParse(payload);
    if (!parsed.success) {
      // A union's error says little; report against the shape the sender most likely meant.
      const meant = typeof payload === 'object' && payload !== null && 'feedback' in payload ? z.strictObject({ feedback: z.array(Item).min(1).max(100) }) : Item;
      const problems = (meant.safeParse(payload).error ?? parsed.error).issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
      return reply.code(400).send(problem('invalid_payload', 'not a feedback webhook', problems));
    }
    const results: Array<{ feedback_id: string; order_id: string; outcome: FeedbackOutcome | 'unknown_order' }> = [];
    try {
      for (const item of parsed.data) {
        try {
          const result = await recordFeedback(deps.feedback.deps, {
            orderId: item.order_id, rating: item.rating, comment: item.text ?? null, source: 'webhook',
            externalId: item.feedback_id, leftAt: item.left_at ? Date.parse(item.left_at) : undefined,
          });
          results.push({ feedback_id: item.feedback_id, order_id: item.order_id, outcome: result.outcome });
        } catch (err) {
          if (!(err instanceof InputError) || err.code !== 'order_unknown') throw err;
          results.push({ feedback_id: item.feedback_id, order_id: item.order_id, outcome: 'unknown_order' });
        }
      }
    } catch (err) {
      request.log.error({ err }, 'cannot record feedback');
      return reply.code(503).send(problem('storage_unavailable', 'the feedback could not be stored; please retry'));
    }
    if (results.some((r) => r.outcome === 'thanks_scheduled')) {
      deps.feedback.promote().catch((err: Error) => request.log.warn({ err: err.message }, 'thanks scheduled but not queued; the promoter queues it'));
    }
    const fresh = results.filter((r) => r.outcome !== 'duplicate' && r.outcome !== 'unknown_order').length;
    return reply.code(fresh > 0 ? 202 : 200).send({ status: fresh > 0 ? 'accepted' : 'nothing_new', results });
  };
}
