import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyStoredEvent } from '../../../src/services/tracking.js';
import { profileResolver } from '../../../src/services/profiles.js';
import { systemClock } from '../../../src/domain/clock.js';
import { EMPTY_CONFIG_FILE } from '../../../src/config/config-file.js';
import { withLedgerAt } from '../../helpers/ledgers.js';
import { redisUrl, tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, FIXTURES, ORDER_FLAGS, parseJson, runCli } from './run-cli.js';

describe('status, list, export, cancel, resend', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = cliEnv(dir, { POSTSHIP_CONFIG: join(FIXTURES, 'always-open.config.json') });
  });
  afterEach(() => dir.remove());

  async function enqueue(id: string, extra: string[] = []) {
    const result = await runCli(['enqueue', '--order-id', id, ...ORDER_FLAGS, `LP-${id}`, '--json', ...extra], env);
    expect(result.code).toBe(0);
    return parseJson(result).orders[0] as { sends: Array<{ sendId: number; milestone: string }> };
  }

  it('cancel stops every pending message, removes its queued job and records why', async () => {
    const order = await enqueue('C-1');
    const shipped = order.sends.find((s) => s.milestone === 'shipped')!;
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue('send', { connection, prefix: env.POSTSHIP_QUEUE_PREFIX });
    try {
      expect(await queue.getJob(`send.${shipped.sendId}`)).toBeDefined();
      const result = await runCli(['cancel', 'C-1', '--reason', 'refund', '--json'], env);
      expect(result.code).toBe(0);
      expect(parseJson(result)).toMatchObject({ orderId: 'C-1', reason: 'refund', jobsRemoved: 3 });
      expect(await queue.getJob(`send.${shipped.sendId}`)).toBeUndefined();
      const status = parseJson(await runCli(['status', 'C-1', '--json'], env));
      expect(status.order).toMatchObject({ state: 'cancelled', stateReason: 'refund' });
      expect(status.timeline.map((e: { status: string; reason: string }) => `${e.status}:${e.reason}`)).toEqual(['cancelled:refund', 'cancelled:refund', 'cancelled:refund']);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });

  it('cancel: an unknown reason or order is bad input (exit 2)', async () => {
    await enqueue('C-2');
    const reason = await runCli(['cancel', 'C-2', '--reason', 'bored'], env);
    expect(reason.code).toBe(2);
    expect(reason.stderr).toContain('Allowed choices are refund, dispute, cancelled, other');
    const unknown = await runCli(['cancel', 'NOPE', '--reason', 'other'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('order "NOPE" is not known');
  });

  it('resend records a new send linked to the first', async () => {
    const order = await enqueue('RS-1');
    const result = await runCli(['resend', 'RS-1', 'day1', '--json'], env);
    expect(result.code).toBe(0);
    const day1 = order.sends.find((s) => s.milestone === 'day1')!;
    expect(parseJson(result)).toMatchObject({ orderId: 'RS-1', milestone: 'day1', resendOf: day1.sendId, queued: true });
    const text = await runCli(['status', 'RS-1'], env);
    expect(text.stdout).toContain('day1 (re)');
    const bad = await runCli(['resend', 'RS-1', 'day7'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('milestone "day7" is not one of shipped, day1, customs, post_office, day14');
  });

  it('status shows the timeline and the tracking events received, within 80 columns', async () => {
    await enqueue('ST-1');
    await withLedgerAt(env.POSTSHIP_DB, async ({ ledger }) => {
      const event = { provider: 'test', dedupKey: 'e1', trackingNumber: 'LP-ST-1', carrier: null, providerStatus: 'InTransit_Customs', outcome: 'customs' as const, occurredAt: new Date().toISOString() };
      const stored = await ledger.recordTrackingEvent(event, JSON.stringify(event), Date.now());
      expect(stored.stored).toBe(true);
      if (stored.stored) await applyStoredEvent({ ledger, clock: systemClock, profiles: profileResolver(EMPTY_CONFIG_FILE) }, stored.id);
    });
    const text = await runCli(['status', 'ST-1'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/shipped\s+(queued|sent|sending)\s+due {2}\d{4}-\d\d-\d\d \d\d:\d\d GMT-3 {2}\d{4}-\d\d-\d\d \d\d:\d\dZ/);
    expect(text.stdout).toContain('customs');
    expect(text.stdout).toMatch(/tracking events\n.*\n.*\n.*customs\s+test\s+scheduled customs/);
    for (const line of text.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const json = parseJson(await runCli(['status', 'ST-1', '--json'], env));
    expect(json.trackingEvents).toEqual([expect.objectContaining({ provider: 'test', milestone: 'customs', outcome: 'scheduled customs' })]);
    expect(json.timeline.map((e: { milestone: string }) => e.milestone)).toContain('customs');
  });

  it('list filters and pages; export writes the same rows as CSV', async () => {
    await enqueue('L-1');
    await enqueue('L-2', ['--store', 'acme']);
    const all = parseJson(await runCli(['list', '--json'], env));
    expect(all.total).toBe(6);
    const acme = parseJson(await runCli(['list', '--store', 'acme', '--milestone', 'day1,day14', '--json'], env));
    expect(acme.rows.map((r: { orderId: string; milestone: string }) => `${r.orderId}:${r.milestone}`)).toEqual(['L-2:day1', 'L-2:day14']);
    const page2 = parseJson(await runCli(['list', '--limit', '4', '--page', '2', '--json'], env));
    expect(page2).toMatchObject({ total: 6, limit: 4, offset: 4 });
    expect(page2.rows).toHaveLength(2);
    const text = await runCli(['list', '--limit', '4'], env);
    expect(text.stdout).toContain('rows 1-4 of 6; next: --page 2');
    for (const line of text.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);

    const csv = await runCli(['export', '--store', 'acme'], env);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^send_id,order_id,store,milestone,resend_of,status,due_utc/);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['L-2', 'L-2', 'L-2']);
    const out = dir.file('sends.csv');
    const written = parseJson(await runCli(['export', '--out', out, '--json'], env));
    expect(written).toEqual({ file: out, rows: 6 });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(7);
  });

  it('list: bad filters are listed together (exit 2)', async () => {
    const result = await runCli(['list', '--status', 'lost', '--country', 'UK', '--carrier', 'pigeon', '--since', 'soon', '--page', '2', '--offset', '3'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--status "lost" is not one of scheduled');
    expect(result.stderr).toContain('--country "UK" is not an ISO 3166-1 alpha-2 code (did you mean "GB"?)');
    expect(result.stderr).toMatch(/--carrier "pigeon" is not a known carrier \(known: china-post/);
    expect(result.stderr).toContain('--since "soon" is not an ISO-8601 date');
    expect(result.stderr).toContain('--page and --offset do not go together');
  });
});
