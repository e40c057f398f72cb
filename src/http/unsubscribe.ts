import type { FastifyPluginAsync } from 'fastify';
import { emailFromLink, verifyUnsubscribeToken } from '../domain/unsubscribe.js';
import type { Ledger } from '../store/ledger-api.js';
import { denyFraming } from './admin-guard.js';

export interface UnsubscribeDeps {
  ledger: Ledger;
  secret: string;
  now(): number;
}

const page = (title: string, body: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:560px;margin:40px auto;padding:0 16px;color:#1f2933;line-height:1.5">
<h1 style="font-size:22px">${title}</h1>${body}</body></html>`;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * RFC 8058 one-click unsubscribe from the optional letters (review requests, delay notices). POST unsubscribes
 * (what mail clients send for List-Unsubscribe-Post); GET only shows a page
 * with a button, because mail scanners follow links.
 */
export const unsubscribeRoutes: FastifyPluginAsync<{ deps: UnsubscribeDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', denyFraming);
  // RFC 8058: mail providers post `List-Unsubscribe=One-Click` as a form, urlencoded or multipart (or as
  // anything else): the signed link decides, the body carries nothing we need. Small bodies only.
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data', '*']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => done(null, body));
  }

  const verified = (query: unknown): string | null => {
    const { e, t } = (query ?? {}) as { e?: string; t?: string };
    if (typeof e !== 'string' || typeof t !== 'string') return null;
    const email = emailFromLink(e);
    return email && verifyUnsubscribeToken(deps.secret, email, t) ? email : null;
  };

  app.get('/unsubscribe', async (request, reply) => {
    const email = verified(request.query);
    reply.type('text/html; charset=utf-8');
    if (!email) return reply.code(400).send(page('Invalid link', '<p>This unsubscribe link is not valid or has been altered.</p>'));
    const action = escape(request.url);
    return page(
      'Stop review requests and delay notices?',
      `<p>Stop emails asking <strong>${escape(email)}</strong> to review orders, and notices that a parcel is taking longer than expected? You will still get the updates about each parcel (shipped, customs, arrival).</p>
<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" style="padding:10px 18px;font-size:16px">Unsubscribe</button></form>`,
    );
  });

  app.post('/unsubscribe', async (request, reply) => {
    const email = verified(request.query);
    if (!email) return reply.code(400).type('text/html; charset=utf-8').send(page('Invalid link', '<p>This unsubscribe link is not valid.</p>'));
    await deps.ledger.suppress(email, 'review', 'unsubscribed (one-click)', deps.now());
    request.log.info('optional letters unsubscribed');
    return reply.type('text/html; charset=utf-8').send(page('Unsubscribed', '<p>You will not receive review requests or delay notices any more.</p>'));
  });
};
