import { describe, expect, it } from 'vitest';
import {
  AFTERSHIP_SUBTAGS,
  AFTERSHIP_TAGS,
  EASYPOST_STATUSES,
  GENERIC_STATUSES,
  outcomeForAftership,
  outcomeForEasyPost,
  outcomeForGeneric,
  outcomeForSeventeenTrack,
  SEVENTEEN_TRACK_STATUSES,
  SEVENTEEN_TRACK_SUB_STATUSES,
} from '../../src/domain/tracking-map.js';

// Expectations written out by hand from the providers' docs, one per table row
// (plus rows that must fall back to their parent), not read back from the tables.
const AFTERSHIP_ROWS: [tag: string, subtag: string | null, expected: string | null][] = [
  ['Pending', null, null],
  ['Pending', 'Pending_001', null],
  ['InfoReceived', 'InfoReceived_001', null],
  ['InTransit', null, null],
  ['InTransit', 'InTransit_002', null], // acceptance scan, not customs
  ['InTransit', 'InTransit_004', null], // arrived in destination country
  ['InTransit', 'InTransit_005', 'customs'],
  ['InTransit', 'InTransit_006', 'customs'],
  ['InTransit', 'InTransit_007', null],
  ['OutForDelivery', null, 'post_office'],
  ['OutForDelivery', 'OutForDelivery_001', 'post_office'],
  ['OutForDelivery', 'OutForDelivery_002', 'pickup'],
  ['OutForDelivery', 'OutForDelivery_003', 'post_office'],
  ['AvailableForPickup', null, 'pickup'],
  ['AvailableForPickup', 'AvailableForPickup_001', 'pickup'],
  ['AttemptFail', null, 'exception'],
  ['AttemptFail', 'AttemptFail_001', 'exception'],
  ['AttemptFail', 'AttemptFail_002', 'exception'],
  ['Delivered', null, 'delivered'],
  ['Delivered', 'Delivered_001', 'delivered'],
  ['Delivered', 'Delivered_002', 'delivered'],
  ['Delivered', 'Delivered_005', 'delivered'],
  ['Exception', null, 'exception'],
  ['Exception', 'Exception_004', 'customs'],
  ['Exception', 'Exception_018', 'customs'],
  ['Exception', 'Exception_006', 'exception'],
  ['Exception', 'Exception_008', 'exception'],
  ['Exception', 'Exception_010', 'returned'],
  ['Exception', 'Exception_011', 'returned'],
  ['Exception', 'Exception_013', 'exception'],
  ['Expired', null, 'exception'],
  ['Expired', 'Expired_001', 'exception'],
  ['Unknown', null, null],
];

const SEVENTEEN_TRACK_ROWS: [status: string, subStatus: string | null, expected: string | null][] = [
  ['NotFound', 'NotFound_Other', null],
  ['InfoReceived', 'InfoReceived', null],
  ['InTransit', 'InTransit_PickedUp', null],
  ['InTransit', 'InTransit_Arrival', null],
  ['InTransit', 'InTransit_CustomsProcessing', 'customs'],
  ['InTransit', 'InTransit_CustomsReleased', 'customs'],
  ['InTransit', 'InTransit_CustomsRequiringInformation', 'customs'],
  ['InTransit', 'InTransit_Other', null],
  ['Expired', 'Expired_Other', 'exception'],
  ['AvailableForPickup', 'AvailableForPickup_Other', 'pickup'],
  ['OutForDelivery', 'OutForDelivery_Other', 'post_office'],
  ['DeliveryFailure', 'DeliveryFailure_NoBody', 'exception'],
  ['DeliveryFailure', 'DeliveryFailure_Security', 'exception'],
  ['Delivered', 'Delivered_Other', 'delivered'],
  ['Exception', 'Exception_Other', 'exception'],
  ['Exception', 'Exception_Returning', 'returned'],
  ['Exception', 'Exception_Returned', 'returned'],
  ['Exception', 'Exception_Lost', 'exception'],
  ['Unknown', 'Unknown_Other', null],
];

const GENERIC_ROWS: [status: string, expected: string | null][] = [
  ['info_received', null],
  ['in_transit', null],
  ['customs', 'customs'],
  ['customs_released', 'customs'],
  ['out_for_delivery', 'post_office'],
  ['available_for_pickup', 'pickup'],
  ['post_office', 'post_office'],
  ['failed_attempt', 'exception'],
  ['exception', 'exception'],
  ['expired', 'exception'],
  ['delivered', 'delivered'],
  ['returning', 'returned'],
  ['returned', 'returned'],
];

const EASYPOST_ROWS: [status: string, expected: string | null][] = [
  ['unknown', null],
  ['pre_transit', null],
  ['in_transit', null],
  ['out_for_delivery', 'post_office'],
  ['available_for_pickup', 'pickup'],
  ['delivered', 'delivered'],
  ['return_to_sender', 'returned'],
  ['failure', 'exception'],
  ['cancelled', 'exception'],
  ['error', null],
];

describe('AfterShip tag/subtag → outcome', () => {
  it.each(AFTERSHIP_ROWS)('%s / %s → %s', (tag, subtag, expected) => {
    expect(outcomeForAftership(tag, subtag)).toBe(expected);
  });

  it('falls back to the subtag prefix when the tag is missing', () => {
    expect(outcomeForAftership(null, 'Delivered_003')).toBe('delivered');
  });

  it('has a test row for every table row', () => {
    const tested = new Set(AFTERSHIP_ROWS.flatMap(([tag, subtag]) => [tag, subtag]));
    expect(Object.keys({ ...AFTERSHIP_TAGS, ...AFTERSHIP_SUBTAGS }).filter((k) => !tested.has(k))).toEqual([]);
  });
});

describe('17TRACK status/sub_status → outcome', () => {
  it.each(SEVENTEEN_TRACK_ROWS)('%s / %s → %s', (status, subStatus, expected) => {
    expect(outcomeForSeventeenTrack(status, subStatus)).toBe(expected);
  });

  it('reads a history event by its sub-status alone', () => {
    expect(outcomeForSeventeenTrack(null, 'InTransit_CustomsReleased')).toBe('customs');
    expect(outcomeForSeventeenTrack(null, 'Delivered_Other')).toBe('delivered');
  });

  it('has a test row for every table row', () => {
    const tested = new Set(SEVENTEEN_TRACK_ROWS.flatMap(([status, sub]) => [status, sub]));
    expect(Object.keys({ ...SEVENTEEN_TRACK_STATUSES, ...SEVENTEEN_TRACK_SUB_STATUSES }).filter((k) => !tested.has(k))).toEqual([]);
  });
});

describe('generic status → outcome', () => {
  it.each(GENERIC_ROWS)('%s → %s', (status, expected) => {
    expect(outcomeForGeneric(status)).toBe(expected);
  });

  it('has a test row for every table row', () => {
    expect(Object.keys(GENERIC_STATUSES).sort()).toEqual(GENERIC_ROWS.map(([s]) => s).sort());
  });
});

describe('EasyPost status → outcome', () => {
  it.each(EASYPOST_ROWS)('%s → %s', (status, expected) => {
    expect(outcomeForEasyPost(status)).toBe(expected);
  });

  it('has a test row for every table row', () => {
    expect(Object.keys(EASYPOST_STATUSES).sort()).toEqual(EASYPOST_ROWS.map(([s]) => s).sort());
  });
});
