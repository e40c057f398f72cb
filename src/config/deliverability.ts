/**
 * The deliverability settings (issue 22), read with the rest of the config
 * and checked all at once: DKIM keys must load and align with their From
 * domain, rates must parse.
 */
import { resolve } from 'node:path';
import { Duration } from 'luxon';
import { addressDomain, dkimAligned, loadDkim, type DkimPlan, type DkimSettings } from '../mail/dkim.js';
import type { PacingConfig, Rate } from '../mail/pacing.js';
import type { ConfigFile } from './config-file.js';

export const MAIL_TRANSPORTS = ['smtp', 'ses'] as const;
export type MailTransportChoice = (typeof MAIL_TRANSPORTS)[number];

/** A rate: at most `count` messages per `perMs`. */
export type { PacingConfig, Rate };

export interface DeliverabilityConfig {
  dkim: DkimPlan;
  /** With it, the envelope sender is `bounces+<send id>@<domain>` so a bounce names its send (VERP). */
  verpDomain: string | null;
  transport: MailTransportChoice;
  pacing: PacingConfig;
  /** POSTSHIP_POSTMARK_REVIEW_STREAM: review requests go out in this Postmark message stream (X-PM-Message-Stream). */
  postmarkReviewStream: string | null;
}

/**
 * A new sender's limits for the largest mailbox providers (per minute): well
 * under what they accept from an established sender, so a first campaign does
 * not look like a spam run. POSTSHIP_DOMAIN_RATES overrides any of them.
 */
export const DEFAULT_DOMAIN_RATES: Record<string, string> = {
  'gmail.com': '20/min',
  'googlemail.com': '20/min',
  'outlook.com': '20/min',
  'hotmail.com': '20/min',
  'live.com': '20/min',
  'yahoo.com': '20/min',
  'icloud.com': '20/min',
  'aol.com': '10/min',
  'gmx.de': '20/min',
  'web.de': '20/min',
  'mail.ru': '20/min',
  'qq.com': '10/min',
};

const UNITS: Record<string, number> = { s: 1000, sec: 1000, min: 60_000, h: 3_600_000, hour: 3_600_000, d: 86_400_000, day: 86_400_000 };

/** `20/min`, `5/s`, `1000/h`, `0` (no limit) → a Rate, or null. */
export function parseRate(text: string): Rate | null {
  const m = /^\s*(\d+)\s*\/\s*([a-z]+)\s*$/i.exec(text);
  if (!m || !UNITS[m[2].toLowerCase()] || Number(m[1]) < 1) return null;
  return { count: Number(m[1]), perMs: UNITS[m[2].toLowerCase()] };
}

type Env = Record<string, string | undefined>;

function readRates(problems: string[], env: Env): Record<string, Rate> {
  const entries: Array<[string, string, string]> = Object.entries(DEFAULT_DOMAIN_RATES).map(([d, r]) => [d, r, 'default']);
  const raw = env.POSTSHIP_DOMAIN_RATES?.trim();
  if (raw) {
    for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [domain, rate] = part.split('=').map((p) => p?.trim());
      if (!domain || !rate) {
        problems.push(`POSTSHIP_DOMAIN_RATES: ${JSON.stringify(part)} must be domain=count/unit, e.g. "gmail.com=20/min"`);
        continue;
      }
      entries.push([domain.toLowerCase(), rate, 'POSTSHIP_DOMAIN_RATES']);
    }
  }
  const rates: Record<string, Rate> = Object.create(null);
  for (const [domain, text, source] of entries) {
    if (text === 'off') {
      delete rates[domain];
      continue;
    }
    const rate = parseRate(text);
    if (rate) rates[domain] = rate;
    else problems.push(`${source}: ${domain}=${JSON.stringify(text)} is not a rate like "20/min", "5/s" or "1000/h" (or "off")`);
  }
  return rates;
}

function readDkim(problems: string[], env: Env, where: { cwd: string; configDir: string; file: ConfigFile; from: string }): DkimPlan {
  const names = ['POSTSHIP_DKIM_DOMAIN', 'POSTSHIP_DKIM_SELECTOR', 'POSTSHIP_DKIM_PRIVATE_KEY_FILE'] as const;
  const given = names.filter((n) => env[n]?.trim());
  let fallback: DkimSettings | null = null;
  if (given.length > 0 && given.length < names.length) {
    problems.push(`${names.filter((n) => !given.includes(n)).join(', ')}: not set, but ${given.join(', ')} is: set all three to sign mail by default`);
  } else if (given.length === names.length) {
    fallback = { domain: env.POSTSHIP_DKIM_DOMAIN!.trim(), selector: env.POSTSHIP_DKIM_SELECTOR!.trim(), privateKeyFile: resolve(where.cwd, env.POSTSHIP_DKIM_PRIVATE_KEY_FILE!.trim()) };
  }
  const stores: Record<string, DkimSettings> = Object.create(null);
  for (const [id, s] of Object.entries(where.file.dkim ?? {})) stores[id] = { ...s, privateKeyFile: resolve(where.configDir, s.privateKeyFile) };
  const check = (label: string, settings: DkimSettings, from: string) => {
    try {
      loadDkim(settings);
    } catch (err) {
      problems.push(`${label}: ${(err as Error).message}`);
      return;
    }
    const fromDomain = addressDomain(from);
    if (fromDomain && !dkimAligned(fromDomain, settings.domain)) {
      problems.push(`${label}: signing domain "${settings.domain}" does not match the From domain "${fromDomain}" (${from}); DMARC needs them aligned: sign as ${fromDomain} or send from an address at ${settings.domain}`);
    }
  };
  if (fallback) check('POSTSHIP_DKIM_*', fallback, where.from);
  for (const [id, settings] of Object.entries(stores)) check(`stores.${id}.dkim`, settings, where.file.stores[id]?.from ?? where.from);
  return { fallback, stores };
}

function readPause(problems: string[], env: Env): number {
  const raw = env.POSTSHIP_THROTTLE_PAUSE?.trim() || 'PT30S';
  const ms = Duration.fromISO(raw);
  if (!ms.isValid) {
    problems.push(`POSTSHIP_THROTTLE_PAUSE: ${JSON.stringify(raw)} is not an ISO-8601 duration (e.g. "PT30S")`);
    return 30_000;
  }
  return ms.toMillis();
}

export function readDeliverability(problems: string[], env: Env, where: { cwd: string; configDir: string; file: ConfigFile; from: string }): DeliverabilityConfig {
  const transport = (env.POSTSHIP_TRANSPORT?.trim().toLowerCase() || 'smtp') as MailTransportChoice;
  if (!MAIL_TRANSPORTS.includes(transport)) problems.push(`POSTSHIP_TRANSPORT: ${JSON.stringify(env.POSTSHIP_TRANSPORT)} is not one of ${MAIL_TRANSPORTS.join(', ')}`);
  const verp = env.POSTSHIP_VERP_DOMAIN?.trim().toLowerCase() || null;
  if (verp && !/^([a-z0-9-]+\.)+[a-z]{2,63}$/.test(verp)) problems.push(`POSTSHIP_VERP_DOMAIN: ${JSON.stringify(verp)} must be a domain whose mail reaches your bounce mailbox, e.g. "acme.example"`);
  const capRaw = env.POSTSHIP_DAILY_CAP?.trim();
  let dailyCap: number | null = null;
  if (capRaw) {
    dailyCap = Number(capRaw);
    if (!Number.isInteger(dailyCap) || dailyCap < 1) {
      problems.push(`POSTSHIP_DAILY_CAP: ${JSON.stringify(capRaw)} must be a whole number >= 1 (messages per store per UTC day)`);
      dailyCap = null;
    }
  }
  return {
    dkim: readDkim(problems, env, where),
    verpDomain: verp,
    transport: MAIL_TRANSPORTS.includes(transport) ? transport : 'smtp',
    pacing: {
      domains: readRates(problems, env),
      dailyCap,
      storeCaps: Object.fromEntries(Object.entries(where.file.stores).flatMap(([id, s]) => (s.dailyCap ? [[id, s.dailyCap]] : []))),
      throttlePauseMs: readPause(problems, env),
    },
    postmarkReviewStream: env.POSTSHIP_POSTMARK_REVIEW_STREAM?.trim() || null,
  };
}
