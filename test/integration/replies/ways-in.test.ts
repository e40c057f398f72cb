import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { genericSignature } from '../../../src/http/verify-signature.js';
import { tempDir, type TempDir } from '../../helpers/env.js';

import { SECRETS, startWebhookStack, type WebhookStack } from '../../fixtures/webhooks/harness.js';
import { cliEnv, parseJson, runCli } from '../cli/run-cli.js';
import { withLedgerAt } from '../../helpers/ledgers.js';

describe('POST /webhooks/feedback (real HTTP, worker and SMTP)', () => {
  let stack: WebhookStack;
  beforeEach(async () => {
    stack = await startWebhookStack();
  });
  afterEach(() => stack.close());
  const sign = (body: string) => ({ 'x-postship-signature': genericSignature(Buffer.from(body), SECRETS.POSTSHIP_WEBHOOK_SECRET) });

  it('records signed ratings once, thanks a 5 and keeps a 1 for the seller; refuses bad signatures and bodies', async () => {
    await stack.enter('WH-1', 'LXWH1CN');
    await stack.enter('WH-2', 'LXWH2CN');
    const body = JSON.stringify({ feedback: [
      { feedback_id: 'r-1', order_id: 'WH-1', rating: 5, text: 'Super' },
      { feedback_id: 'r-2', order_id: 'WH-2', rating: 1, left_at: new Date().toISOString() },
      { feedback_id: 'r-3', order_id: 'NOPE', rating: 5 },
    ] });
    const first = await stack.post('/webhooks/feedback', body, sign(body));
    expect(first.status).toBe(202);
    expect(first.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['thanks_scheduled', 'low_rating', 'unknown_order']);
    const again = await stack.post('/webhooks/feedback', body, sign(body));
    expect(again).toMatchObject({ status: 200, body: { status: 'nothing_new' } });
    await expect.poll(async () => (await stack.sendsOf('WH-1')).find((s) => s.milestone === 'feedback_thanks')?.status, { timeout: 15_000 }).toBe('sent');
    expect((await stack.sendsOf('WH-2')).some((s) => s.milestone === 'feedback_thanks')).toBe(false);
    expect((await stack.pipeline.runtime.ledger.lowRatings({ maxRating: 2, since: 0, until: Date.now() + 1000 })).map((r) => r.orderId)).toEqual(['WH-2']);

    expect((await stack.post('/webhooks/feedback', body, { 'x-postship-signature': 'sha256=00' })).status).toBe(401);
    const bad = JSON.stringify({ feedback_id: 'x', order_id: 'WH-1', rating: 9 });
    const refused = await stack.post('/webhooks/feedback', bad, sign(bad));
    expect(refused.status).toBe(400);
    expect(refused.body.problems.join(' ')).toMatch(/rating/);
  });
});

describe('postship feedback, dispute --reason, preview and simulate (spawned CLI)', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    writeFileSync(dir.file('config.json'), JSON.stringify({ stores: { acme: { name: 'Acme', disputeOptions: [{ type: 'resend' }] } } }));
    env = cliEnv(dir, { POSTSHIP_CONFIG: dir.file('config.json') });
  });
  afterEach(() => dir.remove());

  it('records ratings and disputes with their reasons, and previews both letters for the real order', async () => {
    const shipped = new Date(Date.now() - 20 * 86_400_000).toISOString();
    const enq = await runCli(['enqueue', '--order-id', 'C-1', '--email', 'c1@example.com', '--country', 'FR', '--carrier', 'china-post', '--tracking', 'LX111CN', '--store', 'acme', '--shipped-at', shipped], env);
    expect(enq.code).toBe(0);
    const bad = await runCli(['feedback', 'C-1', '--rating', '7'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rating 7 must be a whole number from 1 to 5');
    const noFeedbackYet = await runCli(['preview', 'feedback_thanks', '--order', 'C-1'], env);
    expect(noFeedbackYet.code).toBe(2);
    expect(noFeedbackYet.stderr).toContain('has no feedback');

    const fb = await runCli(['feedback', 'C-1', '--rating', '5', '--text', 'Très bien', '--json'], env);
    expect(fb.code).toBe(0);
    expect(parseJson(fb)).toMatchObject({ orderId: 'C-1', rating: 5, outcome: 'thanks_scheduled' });
    const thanks = await runCli(['preview', 'feedback_thanks', '--order', 'C-1', '--out', dir.file('t.html')], env);
    expect(thanks.stdout).toContain('Merci beaucoup pour vos mots aimables sur votre commande C-1');

    const badReason = await runCli(['dispute', 'C-1', '--open', '--reason', 'late'], env);
    expect(badReason.code).toBe(2);
    expect(badReason.stderr).toContain('not_received, not_as_described, other');
    const open = await runCli(['dispute', 'C-1', '--open', '--reason', 'not_as_described', '--json'], env);
    expect(parseJson(open)).toMatchObject({ open: true, reason: 'not_as_described', seq: 0, alreadyOpen: false });
    const reply = await runCli(['preview', 'dispute_reply', '--order', 'C-1', '--out', dir.file('d.html')], env);
    expect(reply.stdout).toContain('quelques photos');
    expect(reply.stdout).toContain('- un nouvel envoi à nos frais');
    expect(reply.stdout).not.toMatch(/remboursement partiel|€/);
    const notReceived = await runCli(['preview', 'dispute_reply', '--order', 'C-1', '--reason', 'not_received', '--out', dir.file('n.html')], env);
    expect(notReceived.stdout).toContain('il n’affiche encore aucune étape');
    const legacy = await runCli(['dispute', 'C-1', '--close'], env);
    expect(legacy.stdout).toContain('dispute closed');
    const replies = await withLedgerAt(env.POSTSHIP_DB!, async ({ ledger }) => (await ledger.sendsOfOrder('C-1')).filter((s) => s.milestone === 'dispute_reply'));
    expect(replies.map((s) => s.status)).toEqual(['cancelled']);
    const plain = await runCli(['dispute', 'C-1', '--open'], env);
    expect(plain.stdout).toBe('order C-1: dispute open (other); the review request is held until it closes\n');
  });

  it('simulate shows the reply after dispute_open with a reason and the thanks after feedback', async () => {
    writeFileSync(dir.file('h.json'), JSON.stringify([
      { at: '2026-03-06T10:00:00Z', status: 'in_transit', location: 'Shenzhen' },
      { at: '2026-03-20T10:00:00Z', status: 'dispute_open', reason: 'not_received' },
      { at: '2026-03-27T10:00:00Z', status: 'dispute_close' },
      { at: '2026-04-02T10:00:00Z', status: 'feedback', rating: 5 },
    ]));
    const sim = await runCli(['simulate', '--carrier', 'china-post', '--country', 'ES', '--shipped-at', '2026-03-02T09:00:00Z', '--events', dir.file('h.json'), '--json'], env);
    expect(sim.code).toBe(0);
    const rows = parseJson(sim).timeline as Array<{ milestone: string; status: string; why: string }>;
    expect(rows.find((r) => r.milestone === 'dispute_reply')).toMatchObject({ status: 'sent' });
    expect(rows.find((r) => r.milestone === 'dispute_reply')!.why).toContain('after "dispute_open"');
    expect(rows.find((r) => r.milestone === 'feedback_thanks')).toMatchObject({ status: 'sent' });
    const badEvents = JSON.stringify([{ at: '2026-03-20T10:00:00Z', status: 'dispute_open', reason: 'late' }, { at: '2026-03-21T10:00:00Z', status: 'feedback', rating: 0 }]);
    writeFileSync(dir.file('bad.json'), badEvents);
    const bad = await runCli(['simulate', '--carrier', 'china-post', '--country', 'ES', '--events', dir.file('bad.json')], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('events[0].reason "late"');
    expect(bad.stderr).toContain('events[1].rating 0');
  });
});
