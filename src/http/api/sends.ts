import type { FastifyInstance } from 'fastify';
import { InputError } from '../../domain/errors.js';
import { sendView } from '../../report/send-view.js';
import { parseFilter, type FilterFlags } from '../../store/send-list.js';
import { problem } from '../errors.js';
import { covers, tokenFor } from './auth.js';
import type { ApiDeps } from './deps.js';
import * as s from './schemas.js';

type Query = FilterFlags & { limit?: string; cursor?: string };

/** A cursor is the last row's (due time, id): opaque to clients, base64url. */
function encodeCursor(dueAt: number, id: number): string {
  return Buffer.from(`${dueAt}.${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { dueAt: number; id: number } | null {
  const match = /^(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { dueAt: Number(match[1]), id: Number(match[2]) } : null;
}

export function sendRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Query }>('/sends', {
    schema: {
      summary: 'Sends, with the filters of `postship list`, by due time, cursor-paged',
      tags: ['sends'],
      querystring: s.sendsQuery,
      response: { 200: s.sendsSchema, 422: s.problemSchema, ...s.errors },
    },
  }, async (request, reply) => {
    const q = request.query ?? {};
    const problems: string[] = [];
    const one = (name: keyof Query) => (typeof q[name] === 'string' ? (q[name] as string) : undefined);
    let filter: ReturnType<typeof parseFilter> | null = null;
    try {
      filter = parseFilter({ status: one('status'), milestone: one('milestone'), carrier: one('carrier'), country: one('country'), store: one('store'), since: one('since'), until: one('until') }, '');
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
    }
    const limitText = one('limit');
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) problems.push(`limit ${JSON.stringify(limitText)} must be a whole number from 1 to 1000`);
    const cursorText = one('cursor');
    const after = cursorText ? decodeCursor(cursorText) : null;
    if (cursorText && !after) problems.push('cursor: not a cursor this API gave out (use nextCursor of the previous page)');
    if (problems.length > 0 || !filter) return reply.code(422).send(problem('filter_invalid', problems.join('; '), problems));

    // A store's token sees its store only: asking for another is 403, asking for none means its own.
    const token = tokenFor(request);
    if (token.store !== null) {
      const other = filter.stores.find((store) => store !== token.store);
      if (other !== undefined && !covers(request, reply, other)) return reply;
      filter = { ...filter, stores: [token.store] };
    }
    const rows = await deps.orders.ledger.listSendsAfter(filter, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { rows: page.map(sendView), nextCursor: rows.length > limit && last ? encodeCursor(last.dueAt, last.sendId) : null };
  });
}
