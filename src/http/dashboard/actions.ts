import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InputError, PostshipError } from '../../domain/errors.js';
import type { DashboardActions } from './deps.js';

/**
 * CSRF tokens for the dashboard's forms: an HMAC of the request's admin
 * credentials under a secret made at start-up, so a page from another site
 * cannot post (it can neither read the token nor compute it). A restart
 * invalidates open forms, which is fine for a seller's few clicks.
 */
export function csrfTokens(secret: Buffer = randomBytes(32)) {
  const tokenFor = (request: FastifyRequest): string => createHmac('sha256', secret).update(`csrf:${request.headers.authorization ?? ''}`).digest('base64url');
  const check = (request: FastifyRequest, token: unknown): boolean => {
    if (typeof token !== 'string') return false;
    const want = Buffer.from(tokenFor(request));
    const got = Buffer.from(token);
    return want.length === got.length && timingSafeEqual(want, got);
  };
  return { tokenFor, check };
}

export type CsrfTokens = ReturnType<typeof csrfTokens>;

type ActionName = 'cancel' | 'dispute-open' | 'dispute-close' | 'resend';
const ACTIONS: readonly ActionName[] = ['cancel', 'dispute-open', 'dispute-close', 'resend'];

/** Runs one POST action and redirects (303) to the order's page with what happened; bad input is a 400 page. */
export async function runAction(
  actions: DashboardActions,
  csrf: CsrfTokens,
  request: FastifyRequest<{ Params: { action: string }; Body: Record<string, string> }>,
  reply: FastifyReply,
): Promise<{ status: number; message: string } | null> {
  const body = request.body && typeof request.body === 'object' ? request.body : {};
  if (!csrf.check(request, body.csrf)) return { status: 403, message: 'The form is out of date or did not come from this dashboard: reload the order page and try again.' };
  const action = request.params.action as ActionName;
  if (!ACTIONS.includes(action)) return { status: 404, message: `No such action ${JSON.stringify(request.params.action)}: the dashboard can cancel, open or close a dispute, and resend.` };
  const orderId = typeof body.orderId === 'string' ? body.orderId.trim() : '';
  if (orderId === '') return { status: 400, message: 'orderId is missing: use the forms on the order page.' };
  let done: string;
  try {
    if (action === 'cancel') done = await actions.cancel(orderId, body.reason ?? '');
    else if (action === 'dispute-open') done = await actions.openDispute(orderId, body.reason ?? 'other');
    else if (action === 'dispute-close') done = await actions.closeDispute(orderId);
    else done = await actions.resend(orderId, body.milestone ?? '');
  } catch (err) {
    if (err instanceof InputError) return { status: 400, message: `${err.problems.join('; ')}${err.hint ? ` ${err.hint}` : ''}` };
    if (err instanceof PostshipError) done = `${err.message}${err.hint ? ` ${err.hint}` : ''}`;
    else throw err;
  }
  void reply.redirect(`/admin/order?q=${encodeURIComponent(orderId)}&done=${encodeURIComponent(done)}`, 303);
  return null;
}
