/**
 * Tracking-number formats per carrier, to catch a number pasted against the wrong
 * carrier (or mistyped) at entry. A number that fits none of its carrier's formats
 * is still accepted: formats change and sellers know their parcels; the caller shows
 * a warning and the carrier the number looks like.
 *
 * Sources: UPU S10 (13 characters, mod-11 check digit, weights 8 6 4 2 3 5 9 7);
 * UPS, DHL Express and FedEx check digits as documented in jkeen/tracking_number_data
 * (couriers/ups.json, dhl.json, fedex.json); Cainiao `LP` + 14 digits, YunExpress `YT`
 * + 16 digits, 4PX `4PX` + 13 digits + `CN` as printed on those carriers' labels.
 */

export interface TrackingFormat {
  /** A short name for messages ("UPU S10", "UPS 1Z"). */
  name: string;
  test(number: string): boolean;
}

const digits = (s: string) => [...s].map(Number);

/** UPU S10: two letters, eight digits, a mod-11 check digit, the issuing country's two letters. */
export function isS10(number: string): boolean {
  const m = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/.exec(number);
  if (!m) return false;
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = digits(m[2]).reduce((acc, d, i) => acc + d * weights[i], 0);
  const check = 11 - (sum % 11);
  const expected = check === 10 ? 0 : check === 11 ? 5 : check;
  return Number(m[3]) === expected;
}

/** UPS: `1Z`, 15 letters or digits, a check digit (letters count (code - 63) mod 10; odd places x1, even x2). */
export function isUps(number: string): boolean {
  const m = /^1Z([A-Z0-9]{15})(\d)$/.exec(number);
  if (!m) return false;
  const values = [...m[1]].map((c) => (/\d/.test(c) ? Number(c) : (c.charCodeAt(0) - 63) % 10));
  const sum = values.reduce((acc, v, i) => acc + (i % 2 === 1 ? v * 2 : v), 0);
  return (10 - (sum % 10)) % 10 === Number(m[2]);
}

/** DHL Express waybill: 10 or 11 digits, the last being the rest mod 7. */
export function isDhlWaybill(number: string): boolean {
  const m = /^(\d{9,10})(\d)$/.exec(number);
  return m !== null && Number(BigInt(m[1]) % 7n) === Number(m[2]);
}

/** FedEx Express, 12 digits: weights 3 1 7 on the first eleven, sum mod 11 mod 10. */
export function isFedexExpress(number: string): boolean {
  const m = /^(\d{11})(\d)$/.exec(number);
  if (!m) return false;
  const weights = [3, 1, 7];
  const sum = digits(m[1]).reduce((acc, d, i) => acc + d * weights[i % 3], 0);
  return (sum % 11) % 10 === Number(m[2]);
}

/** FedEx Ground, 15 digits: mod 10 over the first fourteen, weighted 3 and 1 alternately from the right. */
export function isFedexGround(number: string): boolean {
  const m = /^(\d{14})(\d)$/.exec(number);
  if (!m) return false;
  const sum = digits(m[1]).reverse().reduce((acc, d, i) => acc + (i % 2 === 0 ? d * 3 : d), 0);
  return (10 - (sum % 10)) % 10 === Number(m[2]);
}

const S10: TrackingFormat = { name: 'UPU S10 (e.g. RR123456785CN)', test: isS10 };
const re = (name: string, pattern: RegExp): TrackingFormat => ({ name, test: (n) => pattern.test(n) });

/** Formats by carrier code; a carrier not listed here ("other") takes any number. */
export const TRACKING_FORMATS: Readonly<Record<string, readonly TrackingFormat[]>> = {
  'china-post': [S10],
  'china-ems': [S10],
  cainiao: [re('Cainiao LP + 14 digits', /^LP\d{14}$/), S10],
  yunexpress: [re('YunExpress YT + 16 digits', /^YT\d{16}$/), S10],
  '4px': [re('4PX + 13 digits + CN', /^4PX\d{13}CN$/), S10],
  yanwen: [S10],
  ups: [{ name: 'UPS 1Z + 16 with check digit', test: isUps }],
  dhl: [
    { name: 'DHL Express waybill, 10 digits with check digit', test: isDhlWaybill },
    re('DHL piece ID (JJD...)', /^J[A-Z]{2,3}\d{9,10}$/),
  ],
  fedex: [
    { name: 'FedEx Express, 12 digits with check digit', test: isFedexExpress },
    { name: 'FedEx Ground, 15 digits with check digit', test: isFedexGround },
    re('FedEx 20, 22 or 34 digits', /^(\d{20}|\d{22}|\d{34})$/),
  ],
  'sf-express': [re('SF + 12 digits', /^SF\d{12}$/)],
};

/** How a number is compared: upper case, without spaces or dashes people paste in. */
export function normalizeTrackingNumber(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

export function fitsCarrier(carrier: string, trackingNumber: string): boolean {
  const formats = TRACKING_FORMATS[carrier];
  if (!formats) return true;
  const n = normalizeTrackingNumber(trackingNumber);
  return formats.some((f) => f.test(n));
}

/**
 * The carriers whose formats this number fits, most specific first (a carrier's own
 * format before the shared S10 one, which every postal and economy carrier accepts).
 */
export function likelyCarriers(trackingNumber: string): string[] {
  const n = normalizeTrackingNumber(trackingNumber);
  const own: string[] = [];
  const shared: string[] = [];
  // Checked once, not once per postal carrier: an import warns on every row of a file with foreign numbers.
  const s10 = isS10(n);
  for (const [carrier, formats] of Object.entries(TRACKING_FORMATS)) {
    if (formats.some((f) => f !== S10 && f.test(n))) own.push(carrier);
    else if (s10 && formats.includes(S10)) shared.push(carrier);
  }
  return [...own, ...shared];
}

/** A number accepted although it fits no format of its carrier. */
export interface TrackingWarning {
  code: 'tracking_number_format';
  carrier: string;
  trackingNumber: string;
  /** The carrier whose format it fits, when one does. */
  likelyCarrier: string | null;
  message: string;
}

/**
 * A warning when a number fits no format of its carrier (null when it fits, or the carrier
 * has no known formats), naming the carrier it looks like when one does.
 */
export function checkTrackingNumber(carrier: string, trackingNumber: string): TrackingWarning | null {
  if (fitsCarrier(carrier, trackingNumber)) return null;
  const formats = TRACKING_FORMATS[carrier].map((f) => f.name).join('; ');
  const likelyCarrier = likelyCarriers(trackingNumber).find((c) => c !== carrier) ?? null;
  const hint = likelyCarrier ? ` It looks like a ${likelyCarrier} number: is the carrier right?` : ' Check it for a typo.';
  const message = `tracking number ${JSON.stringify(trackingNumber)} does not fit ${carrier}'s formats (${formats}); accepted anyway.${hint}`;
  return { code: 'tracking_number_format', carrier, trackingNumber, likelyCarrier, message };
}

/** The warning's text alone, or null. */
export function trackingNumberWarning(carrier: string, trackingNumber: string): string | null {
  return checkTrackingNumber(carrier, trackingNumber)?.message ?? null;
}

/** A number of each carrier's own format, for previews and documentation (each passes its check digit). */
export const SAMPLE_TRACKING_NUMBERS: Readonly<Record<string, string>> = {
  'china-post': 'RR123456785CN',
  'china-ems': 'LX123456785CN',
  cainiao: 'LP00412345678901',
  '4px': '4PX3001234567890CN',
  yanwen: 'UG123456785CN',
  yunexpress: 'YT2212345678901234',
  'sf-express': 'SF123456789012',
  dhl: '1234567891',
  fedex: '986578788855',
  ups: '1Z999AA10123456784',
  other: 'RR123456785CN',
};

export function sampleTrackingNumber(carrier: string): string {
  return SAMPLE_TRACKING_NUMBERS[carrier] ?? SAMPLE_TRACKING_NUMBERS.other;
}
