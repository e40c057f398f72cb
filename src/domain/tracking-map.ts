import type { TrackingOutcome } from './tracking-status.js';

/**
 * Provider statuses → what they mean for postship, as data: one row per
 * status the providers document. A sub-status row wins over its parent
 * status row; a status nobody listed means nothing (null), never a guess.
 *
 * Returning and returned to sender are `returned` (an exception that also
 * ends the order: the buyer will not get the parcel, so no review request).
 */
type Table = Readonly<Record<string, TrackingOutcome | null>>;

/** AfterShip `tag` (9 documented delivery statuses). */
export const AFTERSHIP_TAGS: Table = {
  Pending: null,
  InfoReceived: null,
  InTransit: null,
  OutForDelivery: 'post_office',
  AvailableForPickup: 'pickup',
  AttemptFail: 'exception',
  Delivered: 'delivered',
  Exception: 'exception',
  Expired: 'exception',
};

/** AfterShip `subtag` rows that differ from their tag, or that the issue names. */
export const AFTERSHIP_SUBTAGS: Table = {
  InTransit_005: 'customs', // Customs clearance completed
  InTransit_006: 'customs', // Customs clearance started
  Exception_004: 'customs', // Delayed (Customs clearance)
  Exception_018: 'customs', // Incorrect / missing documents (regulatory hold)
  OutForDelivery_001: 'post_office', // Out for Delivery
  OutForDelivery_002: 'pickup', // Available for pickup (legacy code)
  AvailableForPickup_001: 'pickup',
  AttemptFail_001: 'exception',
  Exception_008: 'exception', // Pick up missed: still at the post office, but not news to celebrate
  Exception_010: 'returned', // Returning to sender
  Exception_011: 'returned', // Returned to sender
  Expired_001: 'exception',
};

/** 17TRACK v2 `latest_status.status` (9 main statuses). */
export const SEVENTEEN_TRACK_STATUSES: Table = {
  NotFound: null,
  InfoReceived: null,
  InTransit: null,
  Expired: 'exception',
  AvailableForPickup: 'pickup',
  OutForDelivery: 'post_office',
  DeliveryFailure: 'exception',
  Delivered: 'delivered',
  Exception: 'exception',
};

/** 17TRACK v2 `sub_status` rows that differ from their main status. */
export const SEVENTEEN_TRACK_SUB_STATUSES: Table = {
  InTransit_CustomsProcessing: 'customs',
  InTransit_CustomsReleased: 'customs',
  InTransit_CustomsRequiringInformation: 'customs',
  AvailableForPickup_Other: 'pickup',
  OutForDelivery_Other: 'post_office',
  Exception_Returning: 'returned',
  Exception_Returned: 'returned',
};

/**
 * EasyPost tracker `status` (10 documented values). EasyPost has no customs
 * status; its customs `status_detail` names are not documented in full, so
 * none are mapped rather than guessed.
 */
export const EASYPOST_STATUSES: Table = {
  unknown: null,
  pre_transit: null,
  in_transit: null,
  out_for_delivery: 'post_office',
  available_for_pickup: 'pickup',
  delivered: 'delivered',
  return_to_sender: 'returned',
  failure: 'exception',
  cancelled: 'exception',
  error: null, // EasyPost could not track it: says nothing about the parcel
};

/**
 * TrackingMore v4 `delivery_status` (9 statuses). `pickup` covers both out for
 * delivery and ready for collection; its sub-statuses tell them apart.
 */
export const TRACKINGMORE_STATUSES: Table = {
  pending: null,
  notfound: null,
  inforeceived: null,
  transit: null,
  pickup: 'post_office',
  undelivered: 'exception',
  delivered: 'delivered',
  exception: 'exception',
  expired: 'exception',
};

/** TrackingMore v4 `substatus` rows that differ from their status. */
export const TRACKINGMORE_SUB_STATUSES: Table = {
  transit005: 'customs', // Customs clearance completed
  exception006: 'customs', // Detained by customs
  pickup001: 'post_office', // Out for delivery
  pickup002: 'pickup', // Ready for collection
  pickup003: 'post_office', // Customer contacted before final delivery
  exception004: 'exception', // Unclaimed
  exception010: 'returned', // Returned to sender
  exception011: 'returned', // Returning to sender
};

/** postship's own webhook format: the statuses a sender may use. */
export const GENERIC_STATUSES: Table = {
  info_received: null,
  in_transit: null,
  customs: 'customs',
  customs_released: 'customs',
  out_for_delivery: 'post_office',
  available_for_pickup: 'pickup',
  post_office: 'post_office',
  failed_attempt: 'exception',
  exception: 'exception',
  expired: 'exception',
  delivered: 'delivered',
  returning: 'returned',
  returned: 'returned',
};

function lookup(table: Table, key: string | null | undefined): TrackingOutcome | null | undefined {
  if (!key || !Object.hasOwn(table, key)) return undefined;
  return table[key];
}

/** AfterShip: the subtag decides when listed, else its tag (a subtag's prefix is its tag). */
export function outcomeForAftership(tag: string | null | undefined, subtag?: string | null): TrackingOutcome | null {
  const bySubtag = lookup(AFTERSHIP_SUBTAGS, subtag);
  if (bySubtag !== undefined) return bySubtag;
  return lookup(AFTERSHIP_TAGS, tag || subtag?.split('_')[0]) ?? null;
}

/** 17TRACK: the sub-status decides when listed, else the main status (its prefix). */
export function outcomeForSeventeenTrack(status: string | null | undefined, subStatus?: string | null): TrackingOutcome | null {
  const bySub = lookup(SEVENTEEN_TRACK_SUB_STATUSES, subStatus);
  if (bySub !== undefined) return bySub;
  return lookup(SEVENTEEN_TRACK_STATUSES, status || subStatus?.split('_')[0]) ?? null;
}

/** TrackingMore: the sub-status decides when listed, else the status. */
export function outcomeForTrackingMore(status: string | null | undefined, subStatus?: string | null): TrackingOutcome | null {
  const bySub = lookup(TRACKINGMORE_SUB_STATUSES, subStatus);
  if (bySub !== undefined) return bySub;
  return lookup(TRACKINGMORE_STATUSES, status || subStatus?.replace(/\d+$/, '')) ?? null;
}

export function outcomeForEasyPost(status: string | null | undefined): TrackingOutcome | null {
  return lookup(EASYPOST_STATUSES, status) ?? null;
}

export function isGenericStatus(status: string): boolean {
  return Object.hasOwn(GENERIC_STATUSES, status);
}

export function outcomeForGeneric(status: string): TrackingOutcome | null {
  return lookup(GENERIC_STATUSES, status) ?? null;
}
