import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { denyFraming, type AdminGuard } from './admin-guard.js';

export interface AdminDeps {
  /** Null: the admin pages are off (no credentials configured). */
  guard: AdminGuard | null;
  queues: Queue[];
  /** Bull Board may pause, empty or remove queues and jobs (POSTSHIP_ADMIN_QUEUE_WRITES=on). */
  queueWrites: boolean;
}

/**
 * The queue dashboard (Bull Board) at /admin/queues behind basic auth. Without
 * credentials configured it is off and says why: never an open dashboard.
 * Read-only unless writes are allowed: Bull Board's own read-only mode, and
 * any method but GET/HEAD refused before it is reached.
 */
export const adminRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', denyFraming);
  if (!deps.guard) {
    app.all('/admin/*', async (_request, reply) =>
      reply.code(503).send({
        error: 'admin_disabled',
        message: 'the admin pages are off: set POSTSHIP_ADMIN_USER and POSTSHIP_ADMIN_PASSWORD to enable them',
      }),
    );
    app.all('/admin', async (_request, reply) => reply.redirect('/admin/'));
    return;
  }
  const guard = deps.guard;
  await app.register(async (scoped: FastifyInstance) => {
    scoped.addHook('onRequest', guard);
    if (!deps.queueWrites) {
      scoped.addHook('onRequest', async (request, reply) => {
        if (request.method === 'GET' || request.method === 'HEAD') return;
        return reply.code(403).send({
          error: 'read_only',
          message: 'the queue dashboard is read-only: set POSTSHIP_ADMIN_QUEUE_WRITES=on to allow pausing, emptying and removing queues and jobs',
        });
      });
    }
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath('/admin/queues');
    createBullBoard({ queues: deps.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: !deps.queueWrites })), serverAdapter });
    await scoped.register(serverAdapter.registerPlugin(), { prefix: '/admin/queues' });
  });
};
