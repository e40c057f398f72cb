/**
 * Carriers, keyed by AfterShip courier slug. `trackingUrl` takes `{tracking}` and, where the
 * page speaks the buyer's language, `{lang}` (17TRACK's path code for it, see `seventeenTrackLang`).
 * `seventeenTrack` is 17TRACK's numeric carrier code, so webhooks match.
 */
export type CarrierClass = 'postal' | 'economy' | 'express';

export interface Carrier {
  code: string;
  name: string;
  class: CarrierClass;
  aliases: readonly string[];
  trackingUrl: string;
  aftershipSlug: string;
  seventeenTrack: number | null;
}

export const CARRIERS: readonly Carrier[] = [
  {
    code: 'china-post', name: 'China Post Registered Air Mail', class: 'postal',
    aliases: ['chinapost', 'cpam', 'china-post-registered'],
    trackingUrl: 'https://t.17track.net/{lang}#nums={tracking}', aftershipSlug: 'china-post', seventeenTrack: 3011,
  },
  {
    code: 'china-ems', name: 'China EMS (ePacket)', class: 'postal',
    aliases: ['epacket', 'ems', 'china-ems-epacket', 'e-packet'],
    trackingUrl: 'https://t.17track.net/{lang}#nums={tracking}', aftershipSlug: 'china-ems', seventeenTrack: 3013,
  },
  {
    code: 'cainiao', name: 'AliExpress Standard Shipping (Cainiao)', class: 'economy',
    aliases: ['aliexpress-standard', 'aliexpress-standard-shipping', 'cainiao-global'],
    trackingUrl: 'https://global.cainiao.com/newDetail.htm?mailNoList={tracking}', aftershipSlug: 'cainiao', seventeenTrack: 190271,
  },
  {
    code: '4px', name: '4PX', class: 'economy', aliases: ['4px-express', 'fourpx'],
    trackingUrl: 'https://track.4px.com/#/result/0/{tracking}', aftershipSlug: '4px', seventeenTrack: 190094,
  },
  {
    code: 'yanwen', name: 'Yanwen', class: 'economy', aliases: ['yanwen-express'],
    trackingUrl: 'https://track.yw56.com.cn/en/querydel?nums={tracking}', aftershipSlug: 'yanwen', seventeenTrack: 190012,
  },
  {
    code: 'yunexpress', name: 'YunExpress', class: 'economy', aliases: ['yun-express', 'yuntrack'],
    trackingUrl: 'https://www.yuntrack.com/parcelTracking?id={tracking}', aftershipSlug: 'yunexpress', seventeenTrack: 190008,
  },
  {
    code: 'sf-express', name: 'SF Express', class: 'express', aliases: ['sf', 'sfexpress', 'sf-international'],
    trackingUrl: 'https://www.sf-international.com/us/en/dynamic_function/waybill/#search/bill-number/{tracking}', aftershipSlug: 'sf-express', seventeenTrack: 100012,
  },
  {
    code: 'dhl', name: 'DHL Express', class: 'express', aliases: ['dhl-express'],
    trackingUrl: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={tracking}', aftershipSlug: 'dhl', seventeenTrack: 100001,
  },
  {
    code: 'fedex', name: 'FedEx', class: 'express', aliases: ['federal-express'],
    trackingUrl: 'https://www.fedex.com/fedextrack/?trknbr={tracking}', aftershipSlug: 'fedex', seventeenTrack: 100003,
  },
  {
    code: 'ups', name: 'UPS', class: 'express', aliases: ['united-parcel-service'],
    trackingUrl: 'https://www.ups.com/track?tracknum={tracking}', aftershipSlug: 'ups', seventeenTrack: 100002,
  },
  {
    // A store platform's carrier we have no code for: postal timings (the slowest), the providers detect the carrier.
    code: 'other', name: 'Other carrier', class: 'postal', aliases: [],
    trackingUrl: 'https://t.17track.net/{lang}#nums={tracking}', aftershipSlug: '', seventeenTrack: null,
  },
];

const byName = new Map<string, Carrier>();
for (const carrier of CARRIERS) {
  for (const name of [carrier.code, carrier.aftershipSlug, ...carrier.aliases]) byName.set(name, carrier);
}

/** Finds a carrier by code, AfterShip slug or alias, ignoring case and spacing. */
export function findCarrier(input: string): Carrier | undefined {
  const key = input.trim().toLowerCase().replace(/[\s_]+/g, '-');
  return byName.get(key);
}

export function findCarrierBySeventeenTrack(code: number): Carrier | undefined {
  return CARRIERS.find((c) => c.seventeenTrack === code);
}

export function carrierCodes(): string[] {
  return CARRIERS.map((c) => c.code);
}

/**
 * 17TRACK's language path codes (https://t.17track.net/<code>#nums=...) for the languages we
 * write letters in, as its own site and links in the wild use them; a language without one
 * (Swedish, as far as we could confirm) gets the English page.
 */
const SEVENTEEN_TRACK_LANGS: Readonly<Record<string, string>> = {
  en: 'en', es: 'es', fr: 'fr', de: 'de', it: 'it', pt: 'pt', ru: 'ru', pl: 'pl', nl: 'nl', tr: 'tr',
  ko: 'ko', ja: 'ja', uk: 'uk', cs: 'cs', he: 'he', ar: 'ar', zh: 'zh-cn',
};

/** 17TRACK's page language for a BCP 47 locale (`pt-BR` → `pt`), English when it has none. */
export function seventeenTrackLang(locale: string): string {
  return SEVENTEEN_TRACK_LANGS[locale.split('-')[0].toLowerCase()] ?? 'en';
}

/** The tracking page for a number: `{tracking}` filled in, `{lang}` in the buyer's language (English without a locale). */
export function trackingLink(template: string, trackingNumber: string, locale = 'en'): string {
  return template.replaceAll('{tracking}', encodeURIComponent(trackingNumber)).replaceAll('{lang}', seventeenTrackLang(locale));
}
