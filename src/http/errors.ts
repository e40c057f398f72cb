import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** The one JSON shape of every refusal: a machine code and a sentence for the human. */
export interface HttpProblem {
  error: string;
  message: string;
  problems?: string[];
}

export function problem(error: string, message: string, problems?: string[]): HttpProblem {
  return problems ? { error, message, problems } : { error, message };
}

/**
 * fastify's own refusals (body too large, unsupported content type, ...)
 * translated once into the same JSON shape as the routes' answers.
 */
export function httpErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = err.statusCode ?? 500;
  if (status === 413) {
    return reply.code(413).send(problem('payload_too_large', `request body is larger than ${BODY_LIMIT_BYTES} bytes (1 MB)`));
  }
  if (status === 415) {
    const type = request.headers['content-type'] ?? '(none)';
    return reply.code(415).send(problem('unsupported_media_type', `Content-Type ${type} is not supported; send application/json`));
  }
  if (status >= 400 && status < 500) {
    return reply.code(status).send(problem((err.code ?? 'bad_request').toLowerCase(), err.message));
  }
  request.log.error({ err }, 'request failed');
  return reply.code(500).send(problem('internal', 'internal error; see the server log'));
}
