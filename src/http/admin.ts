import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

export interface AdminCredentials {
  user: string;
  password: string;
}

export interface AdminDeps {
  credentials: AdminCredentials | null;
  queues: Queue[];
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** HTTP basic auth in constant time; a wrong user and a wrong password look the same. */
export function basicAuth(credentials: AdminCredentials) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    const [user, ...rest] = Buffer.from(encoded ?? '', 'base64').toString('utf8').split(':');
    const ok = scheme?.toLowerCase() === 'basic' && same(user ?? '', credentials.user) && same(rest.join(':'), credentials.password);
    if (!ok) {
      reply.header('www-authenticate', 'Basic realm="postship admin", charset="UTF-8"');
      return reply.code(401).send({ error: 'unauthorized', message: 'admin pages need the POSTSHIP_ADMIN_USER / POSTSHIP_ADMIN_PASSWORD credentials' });
    }
  };
}

export function adminCredentialsFrom(env: Record<string, string | undefined>): AdminCredentials | null {
  const user = env.POSTSHIP_ADMIN_USER?.trim();
  const password = env.POSTSHIP_ADMIN_PASSWORD;
  return user && password ? { user, password } : null;
}

/**
 * The queue dashboard (Bull Board) at /admin/queues behind basic auth. Without
 * credentials configured it is off and says why: never an open dashboard.
 */
export const adminRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  if (!deps.credentials) {
    app.all('/admin/*', async (_request, reply) =>
      reply.code(503).send({
        error: 'admin_disabled',
        message: 'the admin pages are off: set POSTSHIP_ADMIN_USER and POSTSHIP_ADMIN_PASSWORD to enable them',
      }),
    );
    app.all('/admin', async (_request, reply) => reply.redirect('/admin/'));
    return;
  }
  const guard = basicAuth(deps.credentials);
  await app.register(async (scoped: FastifyInstance) => {
    scoped.addHook('onRequest', guard);
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath('/admin/queues');
    createBullBoard({ queues: deps.queues.map((q) => new BullMQAdapter(q)), serverAdapter });
    await scoped.register(serverAdapter.registerPlugin(), { prefix: '/admin/queues' });
  });
};
