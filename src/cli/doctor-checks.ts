import { existsSync, readdirSync } from 'node:fs';
import { TRACKING_API_ENV, type Config } from '../config/config.js';
import { ProviderUnauthorized } from '../tracking/http.js';
import { createProvider, providersInUse } from '../tracking/index.js';
import { InputError, PostshipError } from '../domain/errors.js';
import { COUNTRIES } from '../domain/countries.js';
import { MILESTONES } from '../domain/milestones.js';
import { checkTemplates as checkAllTemplates } from '../mail/check-templates.js';
import { TemplateSet } from '../mail/templates.js';
import { addressDomain, dkimAligned, dkimSettingsFor, loadDkim } from '../mail/dkim.js';
import { lazySesTransport } from '../mail/ses.js';
import { redactUrl } from '../mail/smtp-url.js';
import { outboxTransport, smtpTransport } from '../mail/transport.js';
import { TEMPLATES_DIR } from '../paths.js';
import { connectRedis, ensureRedis, readRedisFacts, redactRedisUrl } from '../queue/redis.js';
import { migrationState } from '../store/db.js';
import { inspectPgLedger, type PgDurability } from '../store/pg/migration-state.js';
import { isPostgresUrl, redactPgUrl } from '../store/pg/url.js';

export interface CheckResult {
  check: string;
  result: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function checkConfig(config: Config | null, error: unknown): CheckResult {
  if (error) {
    const problems = error instanceof InputError ? error.problems.join('; ') : message(error);
    return { check: 'config', result: 'fail', detail: problems, fix: 'Fix the values named above (environment or POSTSHIP_CONFIG file); see README "Configuration".' };
  }
  const stores = Object.keys(config!.file.stores).length;
  const detail = config!.configPath
    ? `${config!.configPath} valid (${config!.file.profiles.length} profiles, ${stores} stores)`
    : 'no config file (POSTSHIP_CONFIG unset): built-in defaults';
  return { check: 'config', result: 'ok', detail };
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

export async function checkRedis(url: string): Promise<CheckResult[]> {
  const shown = redactRedisUrl(url);
  const redis = connectRedis(url, 'command');
  try {
    await ensureRedis(redis, url);
  } catch (err) {
    redis.disconnect();
    return [{ check: 'redis', result: 'fail', detail: `${shown} not reachable`, fix: 'Start redis-server, or set REDIS_URL to a reachable server.' }];
  }
  try {
    const facts = await readRedisFacts(redis);
    const rows: CheckResult[] = [];
    rows.push(
      versionAtLeast(facts.version, 6, 2)
        ? { check: 'redis', result: 'ok', detail: `${shown} reachable, version ${facts.version}` }
        : { check: 'redis', result: 'fail', detail: `${shown} runs version ${facts.version}; BullMQ needs 6.2 or newer`, fix: 'Upgrade Redis to 6.2 or newer.' },
    );
    rows.push(
      facts.maxmemoryPolicy === 'noeviction'
        ? { check: 'redis policy', result: 'ok', detail: 'maxmemory-policy noeviction' }
        : {
            check: 'redis policy', result: 'fail', detail: `maxmemory-policy is ${facts.maxmemoryPolicy}: Redis may evict queued jobs`,
            fix: 'redis-cli CONFIG SET maxmemory-policy noeviction (and set it in redis.conf)',
          },
    );
    if (!facts.persistence) {
      rows.push({ check: 'redis persist', result: 'warn', detail: 'no RDB or AOF persistence: a restart empties the queue (reconcile refills it from SQLite)', fix: 'Enable appendonly yes in redis.conf.' });
    }
    return rows;
  } catch (err) {
    return [{ check: 'redis', result: 'warn', detail: `${shown} reachable, but its settings cannot be read: ${message(err)}`, fix: 'Allow CONFIG GET, or check maxmemory-policy is noeviction by hand.' }];
  } finally {
    redis.disconnect();
  }
}

export async function checkDatabase(dbPath: string): Promise<CheckResult[]> {
  if (isPostgresUrl(dbPath)) return checkPostgres(dbPath);
  if (!existsSync(dbPath)) {
    return [{ check: 'database', result: 'fail', detail: `${dbPath} does not exist`, fix: 'Run `postship migrate` (or check POSTSHIP_DB).' }];
  }
  try {
    const state = migrationState(dbPath);
    const db: CheckResult = { check: 'database', result: 'ok', detail: `${dbPath} opens (SQLite)` };
    return [db, migrationsRow(state)];
  } catch (err) {
    return [{ check: 'database', result: 'fail', detail: message(err), fix: 'Check POSTSHIP_DB points at a readable SQLite file.' }];
  }
}

function migrationsRow(state: { applied: string[]; pending: string[] }): CheckResult {
  if (state.pending.length === 0) return { check: 'migrations', result: 'ok', detail: `current (${state.applied.length} applied)` };
  return { check: 'migrations', result: 'fail', detail: `${state.pending.length} pending: ${state.pending.join(', ')}`, fix: 'Run `postship migrate`.' };
}

/**
 * A server that forgets commits it acknowledged (fsync or synchronous_commit
 * off) loses claims and records in a crash: those letters go out twice.
 */
function durabilityRow(d: PgDurability): CheckResult {
  const detail = `fsync=${d.fsync}, synchronous_commit=${d.synchronousCommit}`;
  if (d.fsync !== 'off' && d.synchronousCommit !== 'off') return { check: 'durability', result: 'ok', detail: `${detail}: a crash keeps every acknowledged commit` };
  return {
    check: 'durability', result: 'warn',
    detail: `${detail}: a server crash can forget claims and records it acknowledged, and those letters go out again`,
    fix: 'Turn fsync and synchronous_commit on for the ledger\'s database (ALTER DATABASE <db> SET synchronous_commit = on; fsync in postgresql.conf).',
  };
}

/** PostgreSQL: connects (never migrates), names the server version, its durability and the migration state. */
async function checkPostgres(url: string): Promise<CheckResult[]> {
  try {
    const { version, durability, state } = await inspectPgLedger(url);
    return [{ check: 'database', result: 'ok', detail: `PostgreSQL ${version} at ${redactPgUrl(url)} reachable` }, durabilityRow(durability), migrationsRow(state)];
  } catch (err) {
    if (err instanceof PostshipError) return [{ check: 'database', result: 'fail', detail: message(err), fix: err.hint }];
    return [{ check: 'database', result: 'fail', detail: `${redactPgUrl(url)}: ${message(err)}`, fix: 'Check the user may read the database (GRANT), or run `postship migrate`.' }];
  }
}

export async function checkMail(config: Config): Promise<CheckResult> {
  if (config.deliverability.transport === 'ses') return checkSes();
  const transport = config.smtpUrl ? smtpTransport(config.smtpUrl, { timeoutMs: 5000 }) : outboxTransport(config.outbox);
  const what = config.smtpUrl ? `SMTP ${redactUrl(config.smtpUrl)}` : `outbox ${config.outbox}`;
  try {
    await transport.verify();
    return { check: 'mail', result: 'ok', detail: config.smtpUrl ? `${what} connects and authenticates` : `${what} is writable` };
  } catch (err) {
    const fix = config.smtpUrl
      ? 'Check SMTP_URL host, port and credentials (smtps:// for port 465).'
      : 'Make POSTSHIP_OUTBOX a writable folder, or set SMTP_URL.';
    return { check: 'mail', result: 'fail', detail: `${what}: ${message(err)}`, fix };
  } finally {
    transport.close();
  }
}

function localeDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'partials').map((d) => d.name);
}

/**
 * Countries doctor renders with (every carrier still comes once): customs
 * notes of each region and both text directions. `postship templates check`
 * renders every country; doctor stays a quick look.
 */
const DOCTOR_COUNTRIES = ['US', 'GB', 'DE', 'FR', 'ES', 'BR', 'RU', 'AU', 'TR', 'SA', 'JP'].filter((cc) => COUNTRIES.has(cc));

/**
 * The template check (`postship templates check`'s: every milestone x
 * carriers and a sample of countries, strict variables, output problems), one
 * row per locale folder; stores with their own folder are checked too.
 */
export function checkTemplates(config: Config): CheckResult[] {
  const templates = new TemplateSet();
  const targets: Array<{ label: string; locale: string; storeDir?: string }> = [];
  for (const locale of new Set(['en', ...localeDirs(TEMPLATES_DIR)])) targets.push({ label: `templates ${locale}`, locale });
  for (const [store, identity] of Object.entries(config.file.stores)) {
    if (!identity.templates) continue;
    for (const locale of new Set(['en', ...localeDirs(identity.templates)])) {
      targets.push({ label: `${store} ${locale}`, locale, storeDir: identity.templates });
    }
  }
  const rows: CheckResult[] = templateWarnings(config);
  return rows.concat(targets.map(({ label, locale, storeDir }): CheckResult => {
    const result = checkAllTemplates(templates, { locales: [locale], storeDir, countries: DOCTOR_COUNTRIES });
    if (result.ok) return { check: label, result: 'ok', detail: `${result.rendered} renders, all ${MILESTONES.length} milestones` };
    const shown = result.failures.slice(0, 3).map((f) => `${f.milestone ?? '-'} ${f.carrier ?? ''}/${f.country ?? ''}: ${f.message}`);
    const more = result.failures.length > 3 ? `; ... ${result.failures.length - 3} more` : '';
    return {
      check: label,
      result: 'fail',
      detail: `${shown.join('; ')}${more}`,
      fix: `Fix the template(s) named above; \`postship templates check --locale ${locale}\` lists every failure.`,
    };
  }));
}

/** Sender still example.com, a store's template folder missing, customs notes unchecked or older than 180 days. */
function templateWarnings(config: Config): CheckResult[] {
  const rows: CheckResult[] = [];
  const senders = [['default', config.from], ...Object.entries(config.file.stores).map(([id, s]) => [id, s.from] as const)];
  for (const [id, from] of senders) {
    if (from && /@example\.com>?\s*$/i.test(from)) {
      rows.push({ check: 'sender', result: 'warn', detail: `${id}: the sender is still ${from}`, fix: 'Set POSTSHIP_FROM (or stores.<id>.from) to your own address.' });
    }
  }
  for (const [id, store] of Object.entries(config.file.stores)) {
    if (store.templates && !existsSync(store.templates)) {
      rows.push({ check: `${id} templates`, result: 'warn', detail: `stores.${id}.templates ${store.templates} does not exist: the built-in templates are used`, fix: 'Create the folder or fix the path.' });
    }
  }
  const stale = checkAllTemplates(new TemplateSet(), { locales: [], today: new Date().toISOString().slice(0, 10) }).warnings;
  if (stale.length > 0) {
    // The notes' ids only: their source URLs are too long for the table; `templates check` lists each with its source.
    const ids = stale.map((w) => /customs note "([^"]+)"/.exec(w)?.[1] ?? w);
    rows.push({
      check: 'customs notes', result: 'warn',
      detail: `${ids.length} not checked against their source within 180 days: ${ids.join(', ')}`,
      fix: '`postship templates check` lists each with its source; check it and set lastChecked (src/domain/data/customs-notes.ts).',
    });
  }
  return rows;
}

/** One cheap authenticated call per provider in use: is the key valid, how much quota is left. */
export async function checkTracking(config: Config): Promise<CheckResult[]> {
  const names = providersInUse(config);
  if (names.length === 0) return [{ check: 'tracking', result: 'ok', detail: 'POSTSHIP_TRACKING=none: parcels are not registered with a provider (webhooks still apply)' }];
  return Promise.all(
    names.map(async (name): Promise<CheckResult> => {
      const check = `tracking ${name}`;
      const env = TRACKING_API_ENV[name];
      try {
        const result = await createProvider(config, name).check();
        if (!result.ok) return { check, result: 'fail', detail: result.detail, fix: `Check ${env.key} (${env.what}) and ${env.url}.` };
        if (result.quotaLeft === 0) return { check, result: 'warn', detail: `${result.detail}: registration pauses until the quota is restored`, fix: 'Top up the plan with the provider.' };
        return { check, result: 'ok', detail: `${config.tracking.apis[name].apiUrl}: ${result.detail}` };
      } catch (err) {
        if (err instanceof ProviderUnauthorized) return { check, result: 'fail', detail: `key invalid: ${err.message}`, fix: `Set ${env.key} to ${env.what}.` };
        return { check, result: 'fail', detail: `${config.tracking.apis[name].apiUrl}: ${message(err)}`, fix: `Check ${env.url} (default ${env.defaultUrl}) and the network; the sync retries by itself.` };
      }
    }),
  );
}

/** POSTSHIP_TRANSPORT=ses: nodemailer's SES verify (a SendEmail SES refuses), which proves region and credentials. */
async function checkSes(): Promise<CheckResult> {
  const transport = lazySesTransport();
  try {
    await transport.verify();
    return { check: 'mail', result: 'ok', detail: `Amazon SES answers (region ${process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'from the AWS profile'})` };
  } catch (err) {
    return { check: 'mail', result: 'fail', detail: `Amazon SES: ${message(err)}`, fix: 'Set AWS_REGION and credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE) for an identity allowed ses:SendEmail.' };
  } finally {
    await transport.close();
  }
}

/**
 * DKIM per sender: the key loads, its domain aligns with the From domain, and
 * the TXT record to publish. DNS itself is not queried (doctor may run
 * offline), so SPF and DMARC are a reminder.
 */
export function checkDkim(config: Config): CheckResult[] {
  const senders: Array<[string, string]> = [['default', config.from], ...Object.entries(config.file.stores).map(([id, s]) => [id, s.from ?? config.from] as [string, string])];
  const rows: CheckResult[] = [];
  const domains = new Set<string>();
  for (const [id, from] of senders) {
    const settings = dkimSettingsFor(config.deliverability.dkim, id === 'default' ? null : id);
    const label = `dkim ${id}`;
    if (!settings) {
      rows.push({ check: label, result: 'warn', detail: `${from} is not DKIM-signed: Gmail, Yahoo and Microsoft reject or junk unauthenticated bulk mail`, fix: 'Set stores.<id>.dkim {domain, selector, privateKeyFile} or POSTSHIP_DKIM_DOMAIN/_SELECTOR/_PRIVATE_KEY_FILE; see README "Deliverability".' });
      continue;
    }
    let loaded: ReturnType<typeof loadDkim>;
    try {
      loaded = loadDkim(settings);
    } catch (err) {
      rows.push({ check: label, result: 'fail', detail: message(err), fix: 'Point privateKeyFile at a readable PEM RSA key.' });
      continue;
    }
    const fromDomain = addressDomain(from);
    if (fromDomain && !dkimAligned(fromDomain, settings.domain)) {
      rows.push({ check: label, result: 'fail', detail: `signs as ${settings.domain} but sends from ${fromDomain}: DMARC alignment fails`, fix: `Give ${id} a dkim key for ${fromDomain} (stores.${id}.dkim), or send from an address at ${settings.domain}.` });
      continue;
    }
    domains.add(fromDomain ?? settings.domain);
    rows.push({ check: label, result: 'ok', detail: `key ${settings.privateKeyFile} loads; ${from} aligned with d=${settings.domain}; publish TXT ${loaded.dnsName} "${loaded.dnsValue}"` });
  }
  if (domains.size > 0) {
    rows.push({
      check: 'spf/dmarc', result: 'warn',
      detail: `not checked (doctor does not query DNS): ${[...domains].join(', ')} need an SPF record naming your mail service and a DMARC record, e.g. TXT _dmarc.<domain> "v=DMARC1; p=none; rua=mailto:dmarc@<domain>"`,
      fix: 'Publish them with your DNS host; README "Deliverability" lists each record.',
    });
  }
  return rows;
}
