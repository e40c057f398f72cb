import type { ScanKind } from './replies.js';

/**
 * What the tracking says about a parcel at the moment a letter goes out, so
 * each letter says what is true then (not what was planned at shipped-at).
 * Built from the order's stored scans by `parcelFacts`; pure.
 */
export interface ParcelScan {
  kind: ScanKind;
  /** The provider's own status words (e.g. AfterShip `Exception_004`). */
  providerStatus: string | null;
  at: number | null;
  place: string | null;
  /** ISO 3166-1 alpha-2 country of the scan when the provider gives one. */
  country: string | null;
  /** The scan's message text, when the provider gives one (e.g. "Export customs clearance"). */
  message: string | null;
}

export type CustomsStage = 'entered' | 'released' | 'action_required';
export type PostOfficeStage = 'arrived' | 'out_for_delivery' | 'pickup';

export interface ParcelFacts {
  deliveredAt: number | null;
  /** The newest scan's kind and place, for "where it is now". */
  latest: { kind: ScanKind; place: string | null } | null;
  /** The newest customs scan: its stage, whether it is export (origin) customs, where. */
  customs: { stage: CustomsStage; origin: boolean; place: string | null; country: string | null } | null;
  /** The newest destination-office scan: out for delivery, available for pickup, or just arrived. */
  postOffice: { stage: PostOfficeStage; place: string | null } | null;
  /** A dispute on this order was opened and has since closed. */
  disputeClosed: boolean;
  /** Events arrived or a provider confirmed it tracks the parcel (see DelayInput.hasFeed). */
  hasFeed: boolean;
}

/** Documents or payment required: AfterShip Exception_004/018 and 17TRACK CustomsRequiringInformation. */
const ACTION_REQUIRED = /^(exception_004|exception_018)$|customsrequiringinformation|customs_?hold|requiring_?information/i;
const RELEASED = /customsreleased|customs_released|^intransit_005$/i;
const EXPORT_WORDS = /\bexport|\bdeparted? (from )?(the )?origin|出口/i;
const ORIGIN_COUNTRIES = new Set(['CN', 'HK']);

export function customsStage(scan: Pick<ParcelScan, 'kind' | 'providerStatus'>): CustomsStage {
  const status = scan.providerStatus ?? '';
  if (ACTION_REQUIRED.test(status)) return 'action_required';
  if (scan.kind === 'customs_released' || RELEASED.test(status)) return 'released';
  return 'entered';
}

/** Export customs: the scan happened in the origin country, or its words say export. */
export function isOriginCustoms(scan: Pick<ParcelScan, 'country' | 'message' | 'place'>, destination: string): boolean {
  if (scan.country) return scan.country !== destination && ORIGIN_COUNTRIES.has(scan.country);
  return EXPORT_WORDS.test(`${scan.message ?? ''} ${scan.place ?? ''}`);
}

function postOfficeStage(kind: ScanKind): PostOfficeStage | null {
  if (kind === 'out_for_delivery') return 'out_for_delivery';
  if (kind === 'available_for_pickup') return 'pickup';
  if (kind === 'post_office' || kind === 'failed_attempt') return 'arrived';
  return null;
}

/** The facts, from scans oldest first (as the ledger lists them). */
export function parcelFacts(input: {
  scans: readonly ParcelScan[];
  destination: string;
  deliveredAt?: number | null;
  disputeClosed?: boolean;
  hasFeed?: boolean;
}): ParcelFacts {
  const { scans, destination } = input;
  let customs: ParcelFacts['customs'] = null;
  let postOffice: ParcelFacts['postOffice'] = null;
  let deliveredAt = input.deliveredAt ?? null;
  for (const scan of scans) {
    if (scan.kind === 'customs' || scan.kind === 'customs_released') {
      customs = { stage: customsStage(scan), origin: isOriginCustoms(scan, destination), place: scan.place, country: scan.country };
    }
    const office = postOfficeStage(scan.kind);
    if (office) postOffice = { stage: office, place: scan.place };
    if (scan.kind === 'delivered' && deliveredAt === null) deliveredAt = scan.at;
  }
  const last = scans.at(-1);
  return {
    deliveredAt,
    latest: last ? { kind: last.kind, place: last.place } : null,
    customs,
    postOffice,
    disputeClosed: input.disputeClosed ?? false,
    hasFeed: input.hasFeed ?? scans.length > 0,
  };
}

export const NO_PARCEL_FACTS: ParcelFacts = { deliveredAt: null, latest: null, customs: null, postOffice: null, disputeClosed: false, hasFeed: false };
