import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { adaptAftership } from '../../src/providers/aftership.js';
import { adaptEasyPost } from '../../src/providers/easypost.js';
import { adaptGeneric } from '../../src/providers/generic.js';
import { adaptSeventeenTrack } from '../../src/providers/seventeen-track.js';
import type { AdapterResult } from '../../src/providers/adapter.js';
import type { NormalizedEvent } from '../../src/domain/tracking-status.js';
import { aftershipPayload, easyPostPayload, fixture, genericPayload, seventeenTrackPayload } from '../fixtures/webhooks/payloads.js';

const T0 = DateTime.fromISO('2025-01-08T05:40:00Z', { zone: 'utc' });

function events(result: AdapterResult): NormalizedEvent[] {
  if (result.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  return result.events;
}

describe('AfterShip adapter', () => {
  it('reads the documented 2025-07 example: held by customs, keyed by event_id', () => {
    expect(events(adaptAftership(fixture('aftership-2025-07-customs.json')))).toEqual([
      {
        provider: 'aftership',
        dedupKey: '5b1c2f0e-3a5e-4a7d-9d8c-6f1e2a3b4c5d',
        trackingNumber: 'LX123456789CN',
        carrier: 'china-post',
        providerStatus: 'Exception/Exception_004',
        outcome: 'customs',
        occurredAt: '2025-01-09T07:15:00.000Z',
      },
    ]);
  });

  it('reads the documented legacy 4.x example: in transit, nothing to announce', () => {
    const [event] = events(adaptAftership(fixture('aftership-legacy-4x-intransit.json')));
    expect(event).toMatchObject({
      dedupKey: 'bca2a741-8613-4694-bfb4-2ceb0016ee4f', trackingNumber: '9405516902697649303570',
      carrier: null, providerStatus: 'InTransit/InTransit_003', outcome: null,
    });
  });

  it('derives a key from tracking number, tag/subtag and scan time when a legacy delivery has no event_id', () => {
    const body = aftershipPayload({
      legacy: true, eventId: null, trackingNumber: 'lx1cn',
      scans: [{ tag: 'OutForDelivery', subtag: 'OutForDelivery_001', at: T0 }],
    });
    const [event] = events(adaptAftership(body));
    expect(event.dedupKey).toBe('LX1CN.OutForDelivery/OutForDelivery_001.2025-01-08T06:40:00+01:00');
    expect(event.outcome).toBe('post_office');
    expect(event.occurredAt).toBe('2025-01-08T05:40:00.000Z');
    // The same delivery again derives the same key.
    expect(events(adaptAftership(structuredClone(body)))[0].dedupKey).toBe(event.dedupKey);
  });

  it('finds a customs scan hidden behind a later departure scan, keyed by the scan', () => {
    const result = events(adaptAftership(aftershipPayload({
      trackingNumber: 'LX2CN',
      scans: [
        { tag: 'InTransit', subtag: 'InTransit_002', at: T0 },
        { tag: 'InTransit', subtag: 'InTransit_006', at: T0.plus({ days: 4 }) },
        { tag: 'InTransit', subtag: 'InTransit_007', at: T0.plus({ days: 5 }) },
      ],
    })));
    expect(result.map((e) => e.outcome)).toEqual(['customs', null]);
    expect(result[0].dedupKey).toBe('LX2CN.InTransit/InTransit_006.2025-01-12T06:40:00+01:00');
  });

  it('adds nothing from the history when the current status is the furthest stage', () => {
    const result = events(adaptAftership(aftershipPayload({
      trackingNumber: 'LX3CN',
      scans: [
        { tag: 'InTransit', subtag: 'InTransit_006', at: T0 },
        { tag: 'OutForDelivery', subtag: 'OutForDelivery_001', at: T0.plus({ days: 2 }) },
      ],
    })));
    expect(result.map((e) => e.outcome)).toEqual(['post_office']);
  });

  it('treats return_to_sender as returned whatever the tag', () => {
    const [event] = events(adaptAftership(aftershipPayload({
      trackingNumber: 'LX4CN', returnToSender: true, scans: [{ tag: 'InTransit', subtag: 'InTransit_003', at: T0 }],
    })));
    expect(event.outcome).toBe('returned');
  });

  it('acknowledges an edd_revise without events', () => {
    const result = adaptAftership(aftershipPayload({ trackingNumber: 'LX5CN', event: 'edd_revise', scans: [{ tag: 'InTransit', subtag: 'InTransit_001', at: T0 }] }));
    expect(result.kind).toBe('ignored');
  });

  it('names what is missing in a payload that is not a tracking webhook', () => {
    const result = adaptAftership({ event: 'tracking_update', msg: { tag: 'Delivered' } });
    expect(result).toEqual({ kind: 'invalid', problems: [expect.stringContaining('msg.tracking_number')] });
  });
});

describe('17TRACK adapter', () => {
  it('reads the documented v2 example: customs processing, keyed by number + latest event time + sub-status', () => {
    expect(events(adaptSeventeenTrack(fixture('17track-v2-customs.json')))).toEqual([
      {
        provider: '17track',
        dedupKey: 'LX123456789CN.2025-01-08T05:40:00Z.InTransit_CustomsProcessing',
        trackingNumber: 'LX123456789CN',
        carrier: 'china-post',
        providerStatus: 'InTransit/InTransit_CustomsProcessing',
        outcome: 'customs',
        occurredAt: '2025-01-08T05:40:00.000Z',
      },
    ]);
  });

  it('keeps a customs event from the history when the latest status is a later plain transit scan', () => {
    const result = events(adaptSeventeenTrack(seventeenTrackPayload({
      number: 'RR1CN', carrier: 190271, status: 'InTransit', subStatus: 'InTransit_Other',
      events: [
        { subStatus: 'InTransit_Other', at: T0.plus({ days: 1 }) },
        { subStatus: 'InTransit_CustomsReleased', at: T0 },
        { subStatus: 'InTransit_PickedUp', at: T0.minus({ days: 5 }) },
      ],
    })));
    expect(result.map((e) => [e.outcome, e.dedupKey])).toEqual([
      ['customs', 'RR1CN.2025-01-08T05:40:00Z.InTransit_CustomsReleased'],
      [null, 'RR1CN.2025-01-09T05:40:00Z.InTransit_Other'],
    ]);
    expect(result[0].carrier).toBe('cainiao');
  });

  it('reads a TRACKING_STOPPED push without track_info as a status-less event', () => {
    const [event] = events(adaptSeventeenTrack({ event: 'TRACKING_STOPPED', data: { number: 'RR2CN', carrier: 3011, param: null, tag: null } }));
    expect(event).toMatchObject({ outcome: null, providerStatus: 'TRACKING_STOPPED', dedupKey: 'RR2CN.none.stopped' });
  });

  it('rejects a body without data.number', () => {
    expect(adaptSeventeenTrack({ event: 'TRACKING_UPDATED', data: {} }).kind).toBe('invalid');
  });
});

describe('generic adapter', () => {
  it('reads one event keyed by its event_id', () => {
    expect(events(adaptGeneric(fixture('generic-customs.json')))).toEqual([
      {
        provider: 'generic', dedupKey: 'shop-42-evt-0001', trackingNumber: 'LX123456789CN', carrier: 'china-post',
        providerStatus: 'customs', outcome: 'customs', occurredAt: '2025-01-08T05:40:00.000Z',
      },
    ]);
  });

  it('reads a batch', () => {
    const body = { events: [genericPayload({ trackingNumber: 'A1', status: 'customs', at: T0 }), genericPayload({ trackingNumber: 'A1', status: 'delivered', at: T0 })] };
    expect(events(adaptGeneric(body)).map((e) => e.outcome)).toEqual(['customs', 'delivered']);
  });

  it('lists every problem of a bad event', () => {
    const result = adaptGeneric({ event_id: 'x', tracking_number: 'A 1', carrier: 'pigeon', status: 'lost-in-space', occurred_at: '2025-01-08 05:40' });
    expect(result.kind).toBe('invalid');
    const problems = result.kind === 'invalid' ? result.problems : [];
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['carrier', 'occurred_at', 'status', 'tracking_number']);
  });
});

describe('EasyPost adapter', () => {
  it('reads the tracker.updated example: out for delivery, keyed by the event id', () => {
    expect(events(adaptEasyPost(fixture('easypost-tracker-updated.json')))).toEqual([
      {
        provider: 'easypost', dedupKey: 'evt_3f1c...', trackingNumber: '9400100000000000000000', carrier: null,
        providerStatus: 'out_for_delivery/out_for_delivery', outcome: 'post_office', occurredAt: '2025-01-09T08:02:00.000Z',
      },
    ]);
  });

  it('reads return_to_sender as returned and ignores non-tracker events', () => {
    expect(events(adaptEasyPost(easyPostPayload({ trackingCode: 'EZ1', status: 'return_to_sender', at: T0 })))[0].outcome).toBe('returned');
    expect(adaptEasyPost(easyPostPayload({ trackingCode: 'EZ1', status: 'delivered', at: T0, description: 'batch.updated' })).kind).toBe('ignored');
  });
});
