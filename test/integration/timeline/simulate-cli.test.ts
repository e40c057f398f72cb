import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../helpers/env.js';
import { cliEnv, DEAD_REDIS, runCli } from '../cli/run-cli.js';

const HISTORY = [
  { at: '2026-03-04T06:00:00Z', status: 'in_transit' },
  { at: '2026-03-24T08:00:00Z', status: 'customs' },
  { at: '2026-03-27T09:00:00Z', status: 'available_for_pickup' },
  { at: '2026-04-02T12:00:00Z', status: 'returned' },
];

interface Row { milestone: string; seq: number; status: string; atLocal: string; why: string }

describe('postship simulate (spawned CLI)', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    // Redis is down and the ledger path is fresh: simulate must need neither.
    env = cliEnv(dir, { REDIS_URL: DEAD_REDIS });
  });
  afterEach(() => dir.remove());

  const args = (events: unknown, ...extra: string[]) => {
    writeFileSync(dir.file('events.json'), JSON.stringify(events));
    return ['simulate', '--carrier', 'china-post', '--country', 'ES', '--shipped-at', '2026-03-02T09:00:00Z', '--events', dir.file('events.json'), ...extra];
  };

  it('prints the timeline as JSON: what is sent, skipped or cancelled, when and why; touches no ledger', async () => {
    const result = await runCli(args(HISTORY, '--json'), env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { order, timeline } = JSON.parse(result.stdout) as { order: { timezone: string }; timeline: Row[] };
    expect(order.timezone).toBe('Europe/Madrid');
    const by = (m: string, seq = 0) => timeline.find((r) => r.milestone === m && r.seq === seq)!;
    expect(by('shipped')).toMatchObject({ status: 'sent', atLocal: '2026-03-02 10:00' });
    // 10 business days of silence after the 4 March scan: Wednesday 18 March, in the 09:00-20:00 window;
    // the review request went out on 16 March at 10:00, and an apology keeps 48 hours from it: 10:00.
    expect(by('delay')).toMatchObject({ status: 'sent', atLocal: '2026-03-18 10:00' });
    expect(by('delay').why).toContain('no tracking update for 10 business days');
    expect(by('day14')).toMatchObject({ status: 'sent', atLocal: '2026-03-16 10:00' });
    expect(by('pickup_reminder', 0)).toMatchObject({ status: 'sent', atLocal: '2026-03-30 10:00' });
    // Returned on 2 April: the 7-day reminder is cancelled and nothing else is pending.
    expect(by('pickup_reminder', 1)).toMatchObject({ status: 'cancelled' });
    expect(by('pickup_reminder', 1).why).toContain('returned');
    expect(timeline.filter((r) => r.status === 'pending')).toEqual([]);
    expect(existsSync(dir.file('postship.db'))).toBe(false);
  });

  it('shows a review request held by a dispute and released after', async () => {
    const result = await runCli(args([{ at: '2026-03-10T08:00:00Z', status: 'dispute_open' }, { at: '2026-03-20T12:00:00Z', status: 'dispute_close' }], '--json'), env);
    expect(result.code).toBe(0);
    const day14 = (JSON.parse(result.stdout) as { timeline: Row[] }).timeline.find((r) => r.milestone === 'day14')!;
    expect(day14.status).toBe('sent');
    expect(day14.atLocal).toBe('2026-03-20 13:00');
    expect(day14.why).toContain('held: dispute open');
  });

  it('prints a table within 80 columns', async () => {
    const result = await runCli(args(HISTORY), env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('pickup_reminder #2');
    expect(result.stdout).toContain('nothing is sent');
    expect(Math.max(...result.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('exits 2 naming every bad event, and without --carrier/--country', async () => {
    const bad = await runCli(args([{ at: 'yesterday', status: 'teleported' }]), env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('events[0].at "yesterday" is not an ISO-8601 date-time');
    expect(bad.stderr).toContain('events[0].status "teleported" is not a generic webhook status');
    const missing = await runCli(['simulate'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--carrier is required');
    expect(missing.stderr).toContain('--country is required');
    const unknown = await runCli(['simulate', '--carrier', 'nope', '--country', 'XX'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--carrier "nope" is not a known carrier');
    expect(unknown.stderr).toContain('--country "XX" is not an ISO 3166-1 alpha-2 code');
  });
});

describe('postship simulate: a parcel with and without a tracking feed', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = cliEnv(dir, { REDIS_URL: DEAD_REDIS });
  });
  afterEach(() => dir.remove());

  const simulate = async (feed: string) => {
    writeFileSync(dir.file('none.json'), '[]');
    const result = await runCli(['simulate', '--carrier', 'china-post', '--country', 'ES', '--shipped-at', '2026-03-02T09:00:00Z', '--events', dir.file('none.json'), '--feed', feed, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as { order: { feed: string }; timeline: Row[] };
  };

  it('claims "no tracking update" only when a provider tracks the parcel', async () => {
    const tracked = await simulate('registered');
    expect(tracked.order.feed).toBe('registered');
    expect(tracked.timeline.find((r) => r.milestone === 'delay')?.why).toContain('no tracking update for 10 business days');
    const blind = await simulate('none');
    expect(blind.order.feed).toBe('none');
    const notice = blind.timeline.find((r) => r.milestone === 'delay');
    // Without a feed, silence proves nothing: the only notice is the past-the-window one, weeks later.
    expect(notice?.why).toContain('past the expected window');
    expect(notice?.why).not.toContain('no tracking update');
    expect((await runCli(['simulate', '--carrier', 'china-post', '--country', 'ES', '--feed', 'maybe'], env)).code).toBe(2);
  });
});
