import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { InputError } from '../../domain/errors.js';
import { CANCEL_REASONS, DEFAULT_STORE, validateOrder } from '../../domain/order.js';
import { checkTrackingNumber } from '../../domain/tracking-number.js';
import { enteredView } from '../../report/entered.js';
import { orderStatus } from '../../report/order-status.js';
import { closeDispute, openDispute, parseDisputeReason } from '../../services/disputes.js';
import { recordFeedback } from '../../services/feedback.js';
import { cancelOrder, enterOrder } from '../../services/orders.js';
import { applyUnmatchedEvents } from '../../services/tracking.js';
import { problem } from '../errors.js';
import { covers, tokenFor } from './auth.js';
import type { ApiDeps } from './deps.js';
import * as s from './schemas.js';

export const MAX_ORDERS_PER_REQUEST = 1000;

/**
 * Redis is a courtesy here as in the CLI: the orders are durable in SQLite,
 * and the daemon's promoter queues them if this fails or is slow.
 */
export async function queueSoon(deps: ApiDeps, log: FastifyBaseLogger): Promise<number | null> {
  const attempt = deps.queueAfterWrite();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('Redis did not answer in time')), deps.queueTimeoutMs ?? 2000);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } catch (err) {
    attempt.catch(() => undefined);
    log.warn({ err: (err as Error).message }, 'orders stored but not queued; the promoter queues them');
    return null;
  } finally {
    clearTimeout(timer);
  }
}

function storeOf(input: unknown): string {
  const store = typeof input === 'object' && input !== null ? (input as { store?: unknown }).store : undefined;
  return typeof store === 'string' && store.trim() !== '' ? store.trim() : DEFAULT_STORE;
}

/** The order of a path id, answering 404 / 403 itself when it cannot be used. */
function ownOrder(app: FastifyInstance, deps: ApiDeps) {
  return async (request: Parameters<typeof covers>[0], reply: Parameters<typeof covers>[1], id: string) => {
    const row = await deps.orders.ledger.getOrder(id);
    if (!row) {
      void reply.code(404).send(problem('order_unknown', `order ${JSON.stringify(id)} is not known`));
      return null;
    }
    return covers(request, reply, row.store) ? row : null;
  };
}

export function orderRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const owned = ownOrder(app, deps);

  app.post('/orders', {
    schema: {
      summary: 'Enter shipped orders (one, or an array of up to 1,000); idempotent by order id',
      tags: ['orders'],
      body: { oneOf: [s.orderInput, { type: 'array', items: s.orderInput, minItems: 1, maxItems: MAX_ORDERS_PER_REQUEST }] },
      response: {
        200: { description: 'every order was already known: nothing new scheduled', ...s.enteredSchema },
        201: { description: 'at least one order was new and its messages are scheduled', ...s.enteredSchema },
        422: { ...s.enteredWithProblems, description: 'invalid orders, every problem with its path; nothing written for them, the valid ones entered' },
        ...s.errors,
      },
    },
  }, async (request, reply) => {
    const body = request.body;
    const inputs = Array.isArray(body) ? body : [body];
    if (inputs.length === 0 || inputs.length > MAX_ORDERS_PER_REQUEST) {
      return reply.code(422).send(problem('order_invalid', `send 1 to ${MAX_ORDERS_PER_REQUEST} orders a request; this one has ${inputs.length}`));
    }
    // Authorization before anything is written: a request touching another store's orders writes nothing.
    const token = tokenFor(request);
    const foreign = [...new Set(inputs.map(storeOf))].find((store) => token.store !== null && store !== token.store);
    if (foreign !== undefined && !covers(request, reply, foreign)) return reply;

    const label = (i: number, p: string) => (Array.isArray(body) ? `[${i}].${p}` : p);
    const now = deps.orders.clock.now();
    const problems: string[] = [];
    const entered: ReturnType<typeof enteredView>[] = [];
    // Accepted with a warning: a number that fits no format of its carrier (a typo, or the wrong carrier).
    const warnings: Array<NonNullable<ReturnType<typeof checkTrackingNumber>> & { path: string; orderId: string }> = [];
    for (const [i, input] of inputs.entries()) {
      const v = validateOrder(input, now);
      if (!v.ok) {
        problems.push(...v.problems.map((p) => label(i, p)));
        continue;
      }
      const known = await deps.orders.ledger.getOrder(v.order.orderId);
      if (known && known.store !== v.order.store) {
        problems.push(label(i, `orderId: ${JSON.stringify(v.order.orderId)} is already an order of another store; order ids are unique across stores`));
        continue;
      }
      const result = await enterOrder(deps.orders, input);
      if (result.created) await applyUnmatchedEvents(deps.orders, result.order);
      entered.push(enteredView(result));
      const warning = checkTrackingNumber(result.order.carrier, result.order.trackingNumber);
      if (warning) warnings.push({ path: label(i, 'trackingNumber'), orderId: result.order.orderId, ...warning });
    }
    const queued = entered.length > 0 ? await queueSoon(deps, request.log) : 0;
    if (problems.length > 0) {
      const message = `${problems.length} problem(s); nothing was written for the invalid orders${entered.length ? `, the ${entered.length} valid one(s) were entered` : ''}`;
      return reply.code(422).send({ ...problem('order_invalid', message, problems), orders: entered, queued, warnings });
    }
    return reply.code(entered.some((o) => o.created) ? 201 : 200).send({ orders: entered, queued, warnings });
  });

  app.get<{ Params: { id: string } }>('/orders/:id', {
    schema: { summary: "An order's timeline, as `postship status --json` prints it", tags: ['orders'], params: s.orderIdParams, response: { 200: s.statusSchema, 404: s.problemSchema, ...s.errors } },
  }, async (request, reply) => {
    if (!(await owned(request, reply, request.params.id))) return reply;
    return (await orderStatus(deps.orders.ledger, request.params.id))!.json;
  });

  app.post<{ Params: { id: string }; Body: { reason?: unknown } }>('/orders/:id/cancel', {
    schema: { summary: 'Cancel every pending message of an order', tags: ['orders'], params: s.orderIdParams, body: s.cancelBody, response: { 200: s.cancelSchema, 404: s.problemSchema, 422: s.problemSchema, ...s.errors } },
  }, async (request, reply) => {
    const reason = (request.body as { reason?: unknown } | undefined)?.reason;
    if (typeof reason !== 'string' || !(CANCEL_REASONS as readonly string[]).includes(reason)) {
      return reply.code(422).send(problem('cancel_invalid', 'reason: must be one of ' + CANCEL_REASONS.join(', '), [`reason: ${JSON.stringify(reason ?? null)} is not one of ${CANCEL_REASONS.join(', ')}`]));
    }
    const id = request.params.id;
    if (!(await owned(request, reply, id))) return reply;
    const ids = await cancelOrder(deps.orders, id, reason);
    const cancelled: Array<{ sendId: number; milestone: string | null }> = [];
    for (const sendId of ids) cancelled.push({ sendId, milestone: (await deps.orders.ledger.getSend(sendId))?.milestone ?? null });
    let jobsRemoved = ids.length;
    await deps.removeJobs(ids).catch((err: Error) => {
      jobsRemoved = 0; // the ledger says cancelled and the worker re-reads it: nothing goes out
      request.log.warn({ err: err.message, orderId: id }, 'cancel recorded; queued jobs not removed');
    });
    return { orderId: id, reason, cancelled, jobsRemoved };
  });

  app.post<{ Params: { id: string }; Body: { open?: unknown; reason?: unknown } }>('/orders/:id/dispute', {
    schema: { summary: "Record a buyer's dispute opened or closed", tags: ['orders'], params: s.orderIdParams, body: s.disputeBody, response: { 200: s.disputeSchema, 404: s.problemSchema, 422: s.problemSchema, ...s.errors } },
  }, async (request, reply) => {
    const body = (request.body ?? {}) as { open?: unknown; reason?: unknown };
    const problems: string[] = [];
    if (typeof body.open !== 'boolean') problems.push(`open: ${JSON.stringify(body.open ?? null)} must be true or false`);
    if (body.open === false && body.reason !== undefined) problems.push('reason: goes with open: true');
    let reason: ReturnType<typeof parseDisputeReason> = 'other';
    try {
      reason = parseDisputeReason(body.reason);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems.map((p) => p.replace(/^--reason/, 'reason:')));
    }
    if (problems.length > 0) return reply.code(422).send(problem('dispute_invalid', problems.join('; '), problems));
    const id = request.params.id;
    if (!(await owned(request, reply, id))) return reply;
    const disputeDeps = { ...deps.orders, file: deps.file };
    if (body.open) {
      const result = await openDispute(disputeDeps, id, reason);
      if (result.reply) await queueSoon(deps, request.log);
      return { orderId: id, open: true, reason: result.reason, seq: result.seq, alreadyOpen: result.alreadyOpen, replySendId: result.reply?.id ?? null, released: 0 };
    }
    const result = await closeDispute(disputeDeps, id);
    if (result.released > 0) await queueSoon(deps, request.log);
    await deps.removeJobs(result.repliesCancelled).catch((err: Error) => request.log.warn({ err: err.message }, 'dispute reply jobs not removed'));
    return { orderId: id, open: false, released: result.released, repliesCancelled: result.repliesCancelled.length };
  });

  app.post<{ Params: { id: string }; Body: { rating?: unknown; text?: unknown } }>('/orders/:id/feedback', {
    schema: { summary: "Record the buyer's feedback: a rating at or above the store's threshold schedules feedback_thanks once", tags: ['orders'], params: s.orderIdParams, body: s.feedbackBody, response: { 200: s.feedbackSchema, 404: s.problemSchema, 422: s.problemSchema, ...s.errors } },
  }, async (request, reply) => {
    const id = request.params.id;
    if (!(await owned(request, reply, id))) return reply;
    const body = (request.body ?? {}) as { rating?: unknown; text?: unknown };
    let result;
    try {
      result = await recordFeedback({ ...deps.orders, file: deps.file }, { orderId: id, rating: body.rating, comment: body.text, source: 'api' });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return reply.code(422).send(problem('feedback_invalid', err.problems.join('; '), err.problems));
    }
    if (result.send) await queueSoon(deps, request.log);
    return { orderId: id, feedbackId: result.feedbackId, rating: result.rating, outcome: result.outcome, thanksSendId: result.send?.id ?? null };
  });
}
