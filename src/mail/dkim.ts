/**
 * DKIM signing keys per store (nodemailer's `dkim` message option), checked
 * once when the config loads: the key file must hold an RSA private key, and
 * the signing domain must align with the From domain (DMARC relaxed
 * alignment), or receivers treat the signature as someone else's.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** What a seller configures: `stores.<id>.dkim` or POSTSHIP_DKIM_DOMAIN/_SELECTOR/_PRIVATE_KEY_FILE. */
export interface DkimSettings {
  domain: string;
  selector: string;
  privateKeyFile: string;
}

/** nodemailer's per-message `dkim` option. */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface LoadedDkim {
  key: DkimKey;
  /** The TXT record to publish at `selector._domainkey.domain`. */
  dnsName: string;
  dnsValue: string;
}

/** Reads and checks a key; throws an Error whose message names the file and the fix. */
export function loadDkim(settings: DkimSettings): LoadedDkim {
  let pem: string;
  try {
    pem = readFileSync(settings.privateKeyFile, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new Error(`cannot read the DKIM private key ${settings.privateKeyFile}: ${why} (create one with \`openssl genrsa -out ${settings.privateKeyFile} 2048\`)`);
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(pem);
  } catch (err) {
    throw new Error(`${settings.privateKeyFile} is not a PEM private key (${(err as Error).message}); create one with \`openssl genrsa -out key.pem 2048\``);
  }
  if (keyObject.asymmetricKeyType !== 'rsa') {
    throw new Error(`${settings.privateKeyFile} holds a ${keyObject.asymmetricKeyType} key; DKIM signing here needs RSA (\`openssl genrsa -out key.pem 2048\`)`);
  }
  const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 1024) throw new Error(`${settings.privateKeyFile} is a ${bits}-bit RSA key; receivers ignore DKIM keys under 1024 bits (use 2048)`);
  const publicDer = createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
  return {
    key: { domainName: settings.domain.toLowerCase(), keySelector: settings.selector, privateKey: pem },
    dnsName: `${settings.selector}._domainkey.${settings.domain.toLowerCase()}`,
    dnsValue: `v=DKIM1; k=rsa; p=${publicDer.toString('base64')}`,
  };
}

/** The domain of an RFC 5322 address (`Acme <care@acme.example>` → `acme.example`), or null. */
export function addressDomain(from: string): string | null {
  const address = /<([^>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at + 1).toLowerCase() : null;
}

/**
 * DMARC relaxed alignment, approximated without the public suffix list: the
 * From domain is the signing domain or one of its subdomains (or the other way round).
 */
export function dkimAligned(fromDomain: string, signingDomain: string): boolean {
  const a = fromDomain.toLowerCase();
  const b = signingDomain.toLowerCase();
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

export interface DkimPlan {
  /** The env default (POSTSHIP_DKIM_*): signs every store without its own. */
  fallback: DkimSettings | null;
  stores: Record<string, DkimSettings>;
}

/** Which settings sign a store's mail: its own, else the default. */
export function dkimSettingsFor(plan: DkimPlan, store: string | null | undefined): DkimSettings | null {
  if (store != null && Object.hasOwn(plan.stores, store)) return plan.stores[store];
  return plan.fallback;
}

/** Keys read once per process (the worker signs thousands of messages with one key). */
export function dkimSigner(plan: DkimPlan): (store: string | null | undefined) => DkimKey | undefined {
  const cache = new Map<string, DkimKey>();
  return (store) => {
    const settings = dkimSettingsFor(plan, store);
    if (!settings) return undefined;
    const id = `${settings.domain}\n${settings.selector}\n${settings.privateKeyFile}`;
    let key = cache.get(id);
    if (!key) {
      key = loadDkim(settings).key;
      cache.set(id, key);
    }
    return key;
  };
}

const signers = new WeakMap<DkimPlan, (store: string | null | undefined) => DkimKey | undefined>();

/** One signer per loaded config (its keys read once), for callers without a composition root of their own. */
export function dkimKeyFor(plan: DkimPlan, store: string | null | undefined): DkimKey | undefined {
  let signer = signers.get(plan);
  if (!signer) {
    signer = dkimSigner(plan);
    signers.set(plan, signer);
  }
  return signer(store);
}
