import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigFile } from '../config/config-file.js';
import { CANCEL_REASONS } from '../domain/order.js';
import { InputError, PostshipError } from '../domain/errors.js';
import { DAY_MS } from '../domain/wall-clock.js';
import type { WebRuntime } from './web-deps.js';
import { closeDispute, openDispute, parseDisputeReason } from '../services/disputes.js';
import { cancelOrder, resendMilestone } from '../services/orders.js';
import { type DayCount } from '../store/dashboard-orders.js';
import type { Ledger } from '../store/ledger-api.js';
import { denyFraming, type AdminGuard } from './admin-guard.js';
import { csrfTokens, runAction } from './dashboard/actions.js';
import type { DashboardActions, DashboardDeps } from './dashboard/deps.js';
import { parseFilters, type Filters } from './dashboard/filters.js';
import { galleryView, parseGallery } from './dashboard/gallery.js';
import { esc, filterForm, page, renderBlocks, tableCsv, type Table, type View } from './dashboard/html.js';
import { lanesView } from './dashboard/lanes.js';
import { lettersView } from './dashboard/letters.js';
import { orderView, stageListView } from './dashboard/order.js';
import { overviewView } from './dashboard/overview.js';

export interface AdminPageDeps extends DashboardDeps {
  /** Null: the admin pages are off. */
  guard: AdminGuard | null;
  file: ConfigFile;
}

export const CHART_DAYS = 30;

/** The POST actions: the same services the CLI's cancel, dispute and resend commands call, then queue what is due. */
function actionsOf(runtime: WebRuntime): DashboardActions {
  const queue = async (what: string): Promise<string> => {
    try {
      await runtime.queueAfterWrite();
      return '';
    } catch (err) {
      if (err instanceof PostshipError && err.code === 'redis_unavailable') return ` (${what} saved but not queued yet: the daemon queues it once Redis is back)`;
      throw err;
    }
  };
  // A courtesy: the worker re-reads the row before sending, so cancelled in the ledger is cancelled even with Redis down.
  const removeJobs = async (ids: number[]) => {
    try {
      await runtime.removeJobs(ids);
    } catch (err) {
      if (!(err instanceof PostshipError && err.code === 'redis_unavailable')) throw err;
    }
  };
  const disputeDeps = () => ({ ...runtime.orderDeps(), file: runtime.config.file });
  return {
    async cancel(orderId, reason) {
      if (!(CANCEL_REASONS as readonly string[]).includes(reason)) throw new InputError('cancel_invalid', [`reason ${JSON.stringify(reason)} is not one of ${CANCEL_REASONS.join(', ')}`]);
      const ids = await cancelOrder(runtime.orderDeps(), orderId, reason);
      await removeJobs(ids);
      return `Order ${orderId} cancelled (${reason}): ${ids.length} pending letter(s) stopped.`;
    },
    async openDispute(orderId, reason) {
      const result = await openDispute(disputeDeps(), orderId, parseDisputeReason(reason));
      if (result.alreadyOpen) return `A dispute (${result.reason}) is already open for ${orderId}: nothing new recorded or sent.`;
      return `Dispute opened for ${orderId} (${result.reason}); the review request waits until it closes${result.reply ? ', a reply is scheduled' : ''}.${result.reply ? await queue('the reply') : ''}`;
    },
    async closeDispute(orderId) {
      const result = await closeDispute(disputeDeps(), orderId);
      const note = result.released > 0 ? await queue('the review request') : '';
      await removeJobs(result.repliesCancelled);
      return `Dispute closed for ${orderId}; ${result.released} held review request(s) released.${note}`;
    },
    async resend(orderId, milestone) {
      const row = await resendMilestone(runtime.orderDeps(), orderId, milestone);
      return `${milestone} will be sent again now (send ${row.id}).${await queue('the resend')}`;
    },
  };
}

/** What the page needs from the runtime, so web.ts registers it in one line. */
export function adminPageDeps(runtime: WebRuntime, guard: AdminGuard | null): AdminPageDeps {
  const file = runtime.config.file;
  return { guard, ledger: runtime.ledger, file, zone: file.admin?.timezone ?? 'UTC', now: () => runtime.clock.now().toMillis(), actions: actionsOf(runtime) };
}

/** Sent letters per UTC day and milestone over the last `days` days (today included), from the dashboard's count table. */
export async function sendsPerDay(ledger: Ledger, now: number, days = CHART_DAYS): Promise<{ days: string[]; counts: DayCount[] }> {
  const first = Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
  const list = Array.from({ length: days }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
  return { days: list, counts: await ledger.sentPerDay(first) };
}

/** The filter menus' choices change only when a new store, carrier or country ships: a minute's cache. */
const CHOICES_TTL_MS = 60_000;
const choicesCache = new WeakMap<object, { at: number; value: Awaited<ReturnType<Ledger['filterChoices']>> }>();
async function choicesFor(ledger: Ledger): Promise<Awaited<ReturnType<Ledger['filterChoices']>>> {
  const hit = choicesCache.get(ledger);
  const at = performance.now(); // a cache age, not domain time
  if (hit && at - hit.at < CHOICES_TTL_MS) return hit.value;
  const value = await ledger.filterChoices();
  choicesCache.set(ledger, { at, value });
  return value;
}

type ViewBuilder = (deps: AdminPageDeps, filters: Filters, request: FastifyRequest) => View | Promise<View>;

function send(reply: FastifyReply, status: number, html: string) {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

function problemPage(reply: FastifyReply, path: string, zone: string, status: number, message: string) {
  const view: View = { path, title: 'Problem', status, blocks: [] };
  return send(reply, status, page(view, { period: 30, zone }, `<p class="notice" role="alert" id="problem">${esc(message)}</p><p><a href="/admin">Back to the overview</a></p>`));
}

function render(deps: AdminPageDeps, build: ViewBuilder, format: 'html' | 'csv') {
  return async (request: FastifyRequest<{ Querystring: Record<string, unknown> }>, reply: FastifyReply) => {
    let view: View;
    let filters: Filters;
    try {
      filters = parseFilters(request.query, deps.zone);
      view = await build(deps, filters, request);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (format === 'csv') return reply.code(400).send({ error: err.code, message: err.message, hint: err.hint });
      return problemPage(reply, request.url.split('?')[0]!, deps.zone, 400, `${err.problems.join('; ')}. ${err.hint ?? ''}`);
    }
    if (format === 'csv') {
      const id = typeof request.query.table === 'string' ? request.query.table : '';
      const table = view.blocks.find((b): b is Table => typeof b !== 'string' && b.id === id);
      if (!table) {
        const ids = view.blocks.filter((b): b is Table => typeof b !== 'string').map((t) => t.id);
        return reply.code(404).send({ error: 'table_unknown', message: `table ${JSON.stringify(id)} is not on this view: use one of ${ids.join(', ')}` });
      }
      return reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="postship-${table.id}.csv"`).type('text/csv; charset=utf-8').send(tableCsv(table));
    }
    const withFilters = ['/admin', '/admin/lanes', '/admin/letters', '/admin/orders'].includes(view.path);
    const body = (withFilters ? filterForm(view.path, filters, await choicesFor(deps.ledger)) : '') + renderBlocks(view, filters);
    return send(reply, view.status ?? 200, page(view, filters, body));
  };
}

/**
 * The seller's dashboard under /admin, behind the admin basic auth: overview
 * (stages, needs attention), lanes, letters, the letter gallery, an order's
 * page, each table as CSV. Read-only but for the POST actions, each with a
 * CSRF token. Without credentials adminRoutes answers /admin with why it is
 * off, so this registers nothing (and never clashes with Bull Board under /admin/queues).
 */
export const adminPageRoutes: FastifyPluginAsync<{ deps: AdminPageDeps }> = async (app, { deps }) => {
  const guard = deps.guard;
  if (!guard) return;
  const csrf = csrfTokens();
  await app.register(async (scoped: FastifyInstance) => {
    scoped.addHook('onRequest', denyFraming);
    scoped.addHook('onRequest', guard);
    if (!scoped.hasContentTypeParser('application/x-www-form-urlencoded')) {
      scoped.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
    }
    const views: Array<[string, ViewBuilder]> = [
      ['/admin/lanes', (d, f) => lanesView(d, f)],
      ['/admin/letters', (d, f) => lettersView(d, f)],
      ['/admin/gallery', (d, f, r) => galleryView(d.ledger, d.file, f, parseGallery(r.query as Record<string, unknown>, f), d.now())],
      ['/admin/order', (d, f, r) => orderView(d, f, csrf.tokenFor(r), typeof (r.query as Record<string, unknown>).done === 'string' ? ((r.query as Record<string, string>).done) : undefined)],
      ['/admin/orders', (d, f, r) => stageListView(d, f, (r.query as Record<string, string>).stage)],
    ];
    for (const [url, build] of views) {
      scoped.get(url, render(deps, build, 'html'));
      scoped.get(`${url}.csv`, render(deps, build, 'csv'));
    }
    const overview = render(deps, (d, f) => overviewView(d, f), 'html');
    for (const url of ['/admin', '/admin/']) {
      scoped.get<{ Querystring: Record<string, unknown> }>(url, async (request, reply) => {
        // The old search box posted here: an order search now has its own page.
        if (typeof request.query.q === 'string' && request.query.q.trim() !== '') return reply.redirect(`/admin/order?q=${encodeURIComponent(request.query.q.trim())}`, 303);
        return overview(request, reply);
      });
    }
    scoped.get('/admin.csv', render(deps, (d, f) => overviewView(d, f), 'csv'));
    scoped.post<{ Params: { action: string }; Body: Record<string, string> }>('/admin/actions/:action', async (request, reply) => {
      if (!deps.actions) return problemPage(reply, '/admin/order', deps.zone, 404, 'Actions are off on this server.');
      const problem = await runAction(deps.actions, csrf, request, reply);
      if (problem) return problemPage(reply, '/admin/order', deps.zone, problem.status, problem.message);
      return reply;
    });
  });
};
