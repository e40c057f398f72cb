import { Command } from 'commander';
import { findCarrier, carrierCodes } from '../../domain/carriers.js';
import { InputError, RuntimeError } from '../../domain/errors.js';
import { type RegistrationRow } from '../../store/registrations.js';
import type { SyncReport } from '../../services/tracking-sync.js';
import { ProviderQuotaExhausted, ProviderUnauthorized, ProviderUnavailable } from '../../tracking/http.js';
import type { Runtime } from '../../runtime.js';
import { print, printJson, promoteAfterWrite, withLedger, withRuntime, type Cli } from '../cli.js';
import { registrationView } from '../../report/feed.js';
import { fitTable, isoUtc, utcTime } from '../format.js';

function describeRegistration(row: RegistrationRow) {
  return { orderId: row.orderId, trackingNumber: row.trackingNumber, ...registrationView(row)! };
}

function status(cli: Cli, orderId: string | undefined, o: { json?: boolean }): Promise<void> {
  return withLedger(cli, async (runtime) => {
    if (orderId !== undefined) {
      if (!await runtime.ledger.getOrder(orderId)) throw new InputError('order_unknown', [`order ${JSON.stringify(orderId)} is not known`]);
      const row = await runtime.ledger.registrationOf(orderId);
      if (!row) {
        const why = runtime.config.tracking.provider ? 'it entered before tracking was configured, or its store has tracking "none"' : 'POSTSHIP_TRACKING is none';
        if (o.json) printJson(cli, { orderId, registration: null, feed: 'no feed', why });
        else print(cli, `${orderId}: not registered with a tracking provider (${why})`);
        return;
      }
      const described = describeRegistration(row);
      if (o.json) printJson(cli, { registration: described });
      else {
        for (const [key, value] of Object.entries(described)) if (value !== null) print(cli, `${key.padEnd(16)} ${value}`);
      }
      return;
    }
    const { providersInUse } = await import('../../tracking/index.js');
    const counts = await runtime.ledger.registrationCounts();
    const now = runtime.clock.now().toMillis();
    const providers = [...new Set([...providersInUse(runtime.config), ...counts.map((c) => c.provider as RegistrationRow['provider'])])];
    const paused: Record<string, { until: string | null; reason: string } | null> = {};
    for (const p of providers) {
      const pause = await runtime.ledger.providerPause(p);
      paused[p] = pause && pause.until > now ? { until: isoUtc(pause.until), reason: pause.reason } : null;
    }
    if (o.json) {
      printJson(cli, { default: runtime.config.tracking.provider ?? 'none', pollAfter: runtime.config.tracking.pollAfterMs / 1000, counts, paused });
      return;
    }
    print(cli, `default provider: ${runtime.config.tracking.provider ?? 'none'}; poll after ${runtime.config.tracking.pollAfterMs / 1000} s without a push`);
    if (counts.length === 0) {
      print(cli, 'no registrations');
      return;
    }
    print(cli, fitTable(['provider', 'state', 'orders', 'oldest due (UTC)'], counts.map((c) => [c.provider, c.state, String(c.count), c.state === 'pending' || c.state === 'stopping' ? utcTime(c.oldestDueAt) : null])));
    for (const [provider, pause] of Object.entries(paused)) if (pause) print(cli, `${provider}: paused until ${pause.until}: ${pause.reason}`);
  });
}

function printSync(cli: Cli, report: SyncReport): void {
  print(
    cli,
    fitTable(
      ['provider', 'registered', 'rejected', 'deferred', 'polled', 'new events', 'stopped', 'note'],
      report.providers.map((p) => [p.provider, String(p.registered), String(p.rejected), String(p.deferred), String(p.polled), String(p.events), String(p.stopped), p.paused]),
    ),
  );
}

function needProviders(runtime: Runtime) {
  const tracking = runtime.trackingSync();
  if (!tracking) {
    throw new InputError('tracking_off', ['no tracking provider is configured'], 'Set POSTSHIP_TRACKING=17track|aftership|trackingmore and its API key (README "Tracking").');
  }
  return tracking;
}

function sync(cli: Cli, o: { order?: string; json?: boolean }): Promise<void> {
  return withRuntime(cli, async (runtime) => {
    const tracking = needProviders(runtime);
    if (o.order !== undefined && !await runtime.ledger.registrationOf(o.order)) {
      throw new InputError('order_unknown', [`order ${JSON.stringify(o.order)} has no tracking registration`], 'See `postship tracking status ORDER_ID`.');
    }
    const { syncTracking } = await import('../../services/tracking-sync.js');
    const report = await syncTracking(
      { ...runtime.orderDeps(), providers: tracking.providers, pollAfterMs: tracking.pollAfterMs, logger: runtime.logger },
      { force: true, orderId: o.order, budgetMs: 10 * 60_000 },
    );
    if (o.json) printJson(cli, report);
    else printSync(cli, report);
    if (report.scheduled > 0) await promoteAfterWrite(runtime, 'the messages the new scans scheduled are');
    if (report.providers.some((p) => p.paused && !p.paused.startsWith('quota'))) cli.exitCode = 1;
  });
}

function carrier(cli: Cli, orderId: string, code: string): Promise<void> {
  return withRuntime(cli, async (runtime) => {
    const tracking = needProviders(runtime);
    const wanted = findCarrier(code);
    if (!wanted) throw new InputError('carrier_unknown', [`carrier ${JSON.stringify(code)} is not one of ${carrierCodes().join(', ')}`]);
    const row = await runtime.ledger.registrationOf(orderId);
    if (!row) throw new InputError('order_unknown', [`order ${JSON.stringify(orderId)} has no tracking registration`], 'See `postship tracking status ORDER_ID`.');
    const provider = tracking.providers.get(row.provider);
    if (!provider) throw new InputError('tracking_off', [`order ${orderId} is registered with ${row.provider}, whose API key is not set`]);
    const now = runtime.clock.now().toMillis();
    if (row.state === 'pending' || row.state === 'rejected') {
      // Not registered yet: register it afresh with the right carrier.
      await runtime.ledger.changeCarrier(orderId, wanted.code, null, now);
      print(cli, `${orderId}: carrier set to ${wanted.code}; it is registered with ${row.provider} on the next sync`);
      return;
    }
    let outcome;
    try {
      outcome = await provider.changeCarrier({ orderId, trackingNumber: row.trackingNumber, carrier: row.carrier, providerId: row.providerId }, wanted.code);
    } catch (err) {
      if (err instanceof ProviderUnavailable || err instanceof ProviderUnauthorized || err instanceof ProviderQuotaExhausted) {
        throw new RuntimeError('tracking_provider_failed', `${row.provider} did not change the carrier: ${err.message}`, 'Try again later; nothing was changed.');
      }
      throw err;
    }
    if (!outcome.ok) throw new InputError('carrier_refused', [`${row.provider} refused the carrier change: ${outcome.error}`]);
    await runtime.ledger.changeCarrier(orderId, wanted.code, null, now);
    print(cli, `${orderId}: carrier changed to ${wanted.code} with ${row.provider}`);
  });
}

export function trackingCommand(cli: Cli): Command {
  const command = new Command('tracking').description('the tracking loop: registrations with the provider, polls, carrier corrections');
  command
    .command('status [orderId]')
    .description('registrations per provider and state, or one order\'s registration with its last error')
    .option('--json', 'print JSON')
    .action((orderId: string | undefined, o: { json?: boolean }) => status(cli, orderId, o));
  command
    .command('sync')
    .description('register pending parcels, poll registered ones and stop finished ones now (ignores back-off and pauses)')
    .option('--order <id>', 'only this order')
    .option('--json', 'print JSON')
    .action((o: { order?: string; json?: boolean }) => sync(cli, o));
  command
    .command('carrier <orderId> <code>')
    .description("correct a parcel's carrier with the provider (17TRACK changecarrier, AfterShip PUT, TrackingMore update)")
    .action((orderId: string, code: string) => carrier(cli, orderId, code));
  command.addHelpText('after', '\nExamples:\n  $ postship tracking status\n  $ postship tracking status AE-1001 --json\n  $ postship tracking sync\n  $ postship tracking carrier AE-1001 yanwen');
  return command;
}
