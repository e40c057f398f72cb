import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Duration } from 'luxon';
import { InputError } from '../domain/errors.js';
import { EMPTY_CONFIG_FILE, parseConfigFile, type ConfigFile } from './config-file.js';
import { PERCENT_ENCODE_HINT, redactUserinfo } from '../domain/redact.js';
import { engineOf, pgUrlProblems, type DbEngine } from '../store/pg/url.js';
import { readDeliverability, type DeliverabilityConfig } from './deliverability.js';

/** Where Redis is looked for when REDIS_URL is not set. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Everything a postship process needs to know, validated once at start. */
export interface Config {
  /** REDIS_URL; null means DEFAULT_REDIS_URL. */
  redisUrl: string | null;
  /** From POSTSHIP_DB: a file path is SQLite, a postgres:// URL PostgreSQL (migrate, db copy and doctor only, for now). */
  dbEngine: DbEngine;
  /** The SQLite file (absolute), or the PostgreSQL URL as given. */
  dbPath: string;
  smtpUrl: string | null;
  outbox: string;
  /** Long-running workers hand SMTP to a thread of their own (POSTSHIP_SMTP_THREAD=off keeps it inline). */
  smtpThread: boolean;
  /** Default sender when a store has none. */
  from: string;
  queuePrefix: string;
  concurrency: number;
  /** Only sends due within this many ms are put into Redis; the rest wait in SQLite. */
  horizonMs: number;
  promoteEveryMs: number;
  sendAttempts: number;
  backoffMs: number;
  /** A `sending` claim older than this is presumed dead (worker killed mid-send). */
  claimLeaseMs: number;
  /** BullMQ job lock; a worker that stops renewing it (killed, frozen) loses the job after this. */
  lockDurationMs: number;
  logLevel: string;
  port: number;
  /** Headers and body of a request must arrive within this; a socket idle this long is closed. */
  httpRequestTimeoutMs: number;
  /** Open HTTP connections at most; more are refused at once. */
  httpMaxConnections: number;
  /** Where buyers reach the daemon's public endpoints (unsubscribe links). */
  publicUrl: string;
  /** Signs unsubscribe links; null means "generate one and keep it in the database". */
  unsubscribeSecret: string | null;
  configPath: string | null;
  file: ConfigFile;
  tracking: TrackingConfig;
  /** DKIM keys, VERP, pacing (issue 22; src/config/deliverability.ts). */
  deliverability: DeliverabilityConfig;
}

export const TRACKING_CHOICES = ['17track', 'aftership', 'trackingmore', 'none'] as const;
export type TrackingProviderChoice = Exclude<(typeof TRACKING_CHOICES)[number], 'none'>;

/** The tracking providers' API settings (POSTSHIP_TRACKING and each provider's key and URL). */
export interface TrackingConfig {
  /** Registers new parcels unless a store says otherwise; null = none. */
  provider: TrackingProviderChoice | null;
  /** A registered parcel without a push for this long is polled (POSTSHIP_POLL_AFTER). */
  pollAfterMs: number;
  apis: Record<TrackingProviderChoice, { apiKey: string | null; apiUrl: string }>;
}

/** Each provider's key variable, and what to put in it. */
export const TRACKING_API_ENV: Record<TrackingProviderChoice, { key: string; url: string; defaultUrl: string; what: string }> = {
  '17track': { key: 'SEVENTEENTRACK_API_KEY', url: 'SEVENTEENTRACK_API_URL', defaultUrl: 'https://api.17track.net/track/v2.4', what: 'the 17TRACK API key (17token), from the API dashboard > Settings' },
  aftership: { key: 'AFTERSHIP_API_KEY', url: 'AFTERSHIP_API_URL', defaultUrl: 'https://api.aftership.com/tracking/2026-07', what: 'an AfterShip API key (as-api-key), from Settings > API keys; not the webhook secret' },
  trackingmore: { key: 'TRACKINGMORE_API_KEY', url: 'TRACKINGMORE_API_URL', defaultUrl: 'https://api.trackingmore.com/v4', what: 'the TrackingMore API key (Tracking-Api-Key), from Developer > API key' },
};

type Env = Record<string, string | undefined>;

interface Reader {
  problems: string[];
  env: Env;
}

function text(r: Reader, name: string, fallback: string): string {
  const value = r.env[name]?.trim();
  return value ? value : fallback;
}

function integer(r: Reader, name: string, fallback: number, min: number): number {
  const raw = r.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    r.problems.push(`${name}: ${JSON.stringify(raw)} must be a whole number >= ${min}`);
    return fallback;
  }
  return value;
}

function onOff(r: Reader, name: string, fallback: boolean): boolean {
  const raw = r.env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  r.problems.push(`${name}: ${JSON.stringify(raw)} must be "on" or "off"`);
  return fallback;
}

function duration(r: Reader, name: string, fallback: string): number {
  const raw = text(r, name, fallback);
  const parsed = Duration.fromISO(raw);
  if (!parsed.isValid) {
    r.problems.push(`${name}: ${JSON.stringify(raw)} is not an ISO-8601 duration (e.g. "PT15M")`);
    return Duration.fromISO(fallback).toMillis();
  }
  return parsed.toMillis();
}

function url(r: Reader, name: string, protocols: string[]): string | null {
  const raw = r.env[name]?.trim();
  if (!raw) return null;
  try {
    const parsed = new URL(raw);
    if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
    return raw;
  } catch {
    r.problems.push(`${name}: ${JSON.stringify(redactUserinfo(raw))} is not a ${protocols.join(' or ')} URL (${PERCENT_ENCODE_HINT})`);
    return null;
  }
}

function readConfigFile(r: Reader, path: string | null): ConfigFile {
  if (!path) return EMPTY_CONFIG_FILE;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    r.problems.push(`POSTSHIP_CONFIG: cannot read ${path}: ${reason}`);
    return EMPTY_CONFIG_FILE;
  }
  const result = parseConfigFile(data);
  if (!result.ok) {
    r.problems.push(...result.problems.map((p) => `${path}: ${p}`));
    return EMPTY_CONFIG_FILE;
  }
  return result.file;
}

function readTracking(r: Reader, file: ConfigFile): TrackingConfig {
  const raw = r.env.POSTSHIP_TRACKING?.trim().toLowerCase() || 'none';
  let provider: TrackingProviderChoice | null = null;
  if (!(TRACKING_CHOICES as readonly string[]).includes(raw)) {
    r.problems.push(`POSTSHIP_TRACKING: ${JSON.stringify(raw)} is not one of ${TRACKING_CHOICES.join(', ')}`);
  } else if (raw !== 'none') provider = raw as TrackingProviderChoice;
  const apis = {} as TrackingConfig['apis'];
  for (const [name, env] of Object.entries(TRACKING_API_ENV) as Array<[TrackingProviderChoice, (typeof TRACKING_API_ENV)[TrackingProviderChoice]]>) {
    apis[name] = { apiKey: r.env[env.key]?.trim() || null, apiUrl: url(r, env.url, ['http:', 'https:']) ?? env.defaultUrl };
  }
  // Every provider in use needs its key, whether POSTSHIP_TRACKING or a store chose it.
  const users = new Map<TrackingProviderChoice, string>();
  if (provider) users.set(provider, `POSTSHIP_TRACKING=${provider}`);
  for (const [store, identity] of Object.entries(file.stores)) {
    const choice = identity.tracking;
    if (choice && choice !== 'none' && !users.has(choice)) users.set(choice, `stores.${store}.tracking "${choice}"`);
  }
  for (const [name, who] of users) {
    if (!apis[name].apiKey) r.problems.push(`${TRACKING_API_ENV[name].key}: not set, but ${who} needs it: set it to ${TRACKING_API_ENV[name].what}`);
  }
  return { provider, pollAfterMs: duration(r, 'POSTSHIP_POLL_AFTER', 'PT6H'), apis };
}

/** Reads env and the config file; throws one InputError listing every problem. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const r: Reader = { problems: [], env };
  const configPath = env.POSTSHIP_CONFIG?.trim() ? resolve(cwd, env.POSTSHIP_CONFIG.trim()) : null;
  const port = integer(r, 'PORT', 3000, 0);
  const db = text(r, 'POSTSHIP_DB', './data/postship.db');
  const dbEngine = engineOf(db);
  if (dbEngine === 'postgres') r.problems.push(...pgUrlProblems('POSTSHIP_DB', db));
  const config: Config = {
    redisUrl: url(r, 'REDIS_URL', ['redis:', 'rediss:']),
    dbEngine,
    dbPath: dbEngine === 'postgres' ? db : resolve(cwd, db),
    smtpUrl: url(r, 'SMTP_URL', ['smtp:', 'smtps:']),
    outbox: resolve(cwd, text(r, 'POSTSHIP_OUTBOX', './outbox')),
    smtpThread: onOff(r, 'POSTSHIP_SMTP_THREAD', true),
    from: text(r, 'POSTSHIP_FROM', 'Customer Care <care@example.com>'),
    queuePrefix: text(r, 'POSTSHIP_QUEUE_PREFIX', 'postship'),
    concurrency: integer(r, 'POSTSHIP_CONCURRENCY', 20, 1),
    horizonMs: duration(r, 'POSTSHIP_HORIZON', 'PT15M'),
    promoteEveryMs: duration(r, 'POSTSHIP_PROMOTE_EVERY', 'PT30S'),
    sendAttempts: integer(r, 'POSTSHIP_SEND_ATTEMPTS', 10, 1),
    backoffMs: duration(r, 'POSTSHIP_BACKOFF', 'PT10S'),
    claimLeaseMs: duration(r, 'POSTSHIP_CLAIM_LEASE', 'PT5M'),
    lockDurationMs: duration(r, 'POSTSHIP_LOCK_DURATION', 'PT30S'),
    logLevel: text(r, 'LOG_LEVEL', 'info'),
    port,
    httpRequestTimeoutMs: duration(r, 'POSTSHIP_HTTP_REQUEST_TIMEOUT', 'PT10S'),
    httpMaxConnections: integer(r, 'POSTSHIP_HTTP_MAX_CONNECTIONS', 256, 1),
    publicUrl: url(r, 'POSTSHIP_PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`,
    unsubscribeSecret: env.POSTSHIP_UNSUBSCRIBE_SECRET?.trim() || null,
    configPath,
    file: readConfigFile(r, configPath),
    tracking: { provider: null, pollAfterMs: 0, apis: {} as TrackingConfig['apis'] },
    deliverability: { dkim: { fallback: null, stores: {} }, verpDomain: null, transport: 'smtp', pacing: { domains: {}, dailyCap: null, storeCaps: {}, throttlePauseMs: 30_000 }, postmarkReviewStream: null },
  };
  config.tracking = readTracking(r, config.file);
  config.deliverability = readDeliverability(r.problems, env, { cwd, configDir: configPath ? dirname(configPath) : cwd, file: config.file, from: config.from });
  if (config.queuePrefix.includes(':') || /\s/.test(config.queuePrefix)) {
    r.problems.push(`POSTSHIP_QUEUE_PREFIX: ${JSON.stringify(config.queuePrefix)} must not contain ":" or spaces`);
  }
  if (r.problems.length > 0) {
    throw new InputError('config_invalid', r.problems, 'Fix the values above and start again; see README "Configuration".');
  }
  return config;
}
