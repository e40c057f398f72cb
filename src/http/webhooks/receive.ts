import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { trackingEventWriter, type StoreResult } from '../../store/tracking.js';
import type { HttpAppDeps } from '../deps.js';
import { normalizeTrackingNumber, TRACKING_NUMBER_RULE } from '../../domain/identifiers.js';
import { problem } from '../errors.js';
import { secretOf } from '../secrets.js';
import type { WebhookRoute } from './route.js';

/**
 * The queue is a courtesy here: the event is already durable when the provider
 * gets its answer, so the answer does not wait for Redis. If Redis is down or
 * slow (the server's batcher gives up after its timeout), the failure is
 * logged and the pending-event sweep applies the event.
 */
function handOver(deps: HttpAppDeps, ids: number[], log: FastifyBaseLogger): void {
  if (ids.length === 0) return;
  deps.enqueueTrackingEvents(ids).catch((err: Error) =>
    log.warn({ eventIds: ids, err: err.message }, 'tracking events stored but not queued; the pending-event sweep applies them'),
  );
}

/** Secret → signature on the raw bytes → JSON → provider adapter → SQLite → queue → answer. */
export function receiveWebhook(route: WebhookRoute, deps: HttpAppDeps, store: ReturnType<typeof trackingEventWriter>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const secret = secretOf(deps.secrets, route.secretName);
    if (!secret) {
      return reply.code(503).send(problem('not_configured', `${route.secretName} is not set, so ${route.provider} webhooks are refused`));
    }
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!route.verify(raw, request.headers[route.signatureHeader], secret, request.headers)) {
      return reply.code(401).send(problem('bad_signature', `missing or invalid ${route.signatureHeader} header`));
    }
    const text = raw.toString('utf8');
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (err) {
      return reply.code(400).send(problem('malformed_json', `the body is not valid JSON: ${(err as Error).message}`));
    }
    const adapted = route.adapt(payload);
    if (adapted.kind === 'invalid') {
      return reply.code(400).send(problem('invalid_payload', `not a ${route.provider} tracking webhook`, adapted.problems));
    }
    if (adapted.kind === 'ignored') return reply.code(200).send({ status: 'ignored', reason: adapted.reason });
    // The one rule for tracking numbers, as at order entry: a number no order can have is refused, never stored.
    const events = adapted.events.filter((e) => normalizeTrackingNumber(e.trackingNumber) !== null);
    if (events.length < adapted.events.length) {
      const bad = adapted.events.filter((e) => !events.includes(e)).map((e) => `tracking number ${JSON.stringify(e.trackingNumber.slice(0, 80))} must be ${TRACKING_NUMBER_RULE}`);
      if (events.length === 0) return reply.code(400).send(problem('invalid_tracking_number', bad[0], bad.slice(0, 10)));
      request.log.warn({ provider: route.provider, refused: bad.length }, 'webhook events with invalid tracking numbers ignored');
    }

    let results: StoreResult[];
    let waiting: number[];
    try {
      results = await store(events, text);
      // A retry of a delivery whose events still wait (Redis was down) is a chance to queue them again.
      waiting = await deps.ledger.unprocessedEvents(results.flatMap((r) => (r.stored ? [] : [r.duplicateOf])));
    } catch (err) {
      request.log.error({ err, provider: route.provider }, 'cannot store tracking event');
      return reply.code(503).send(problem('storage_unavailable', 'the event could not be stored; please retry'));
    }
    const stored = results.flatMap((r) => (r.stored ? [r.id] : []));
    handOver(deps, [...stored, ...waiting], request.log);
    if (stored.length > 0) deps.countPushedEvents?.(stored.length);
    if (stored.length === 0) return reply.code(200).send({ status: 'duplicate', events: results.length });
    return reply.code(202).send({ status: 'accepted', stored: stored.length, duplicates: results.length - stored.length });
  };
}
