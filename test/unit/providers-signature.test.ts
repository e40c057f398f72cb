import { describe, expect, it } from 'vitest';
import { safeEqual, trackingMoreSignature, verifyAftership, verifyEasyPost, verifyGeneric, verifySeventeenTrack, verifyTrackingMore } from '../../src/http/verify-signature.js';
import { sign17track, signAftership, signEasyPost, signGeneric } from '../fixtures/webhooks/payloads.js';

const body = '{"event":"tracking_update","msg":{"tracking_number":"LX123456789CN"}}';
const raw = Buffer.from(body);

describe('webhook signatures on the raw body', () => {
  it('accepts AfterShip base64 HMAC-SHA256 and refuses another secret, a changed body, a missing header', () => {
    const header = signAftership(body, 's3cret')['aftership-hmac-sha256'];
    expect(header).toHaveLength(44);
    expect(verifyAftership(raw, header, 's3cret')).toBe(true);
    expect(verifyAftership(raw, header, 'other')).toBe(false);
    expect(verifyAftership(Buffer.from(`${body} `), header, 's3cret')).toBe(false);
    expect(verifyAftership(raw, undefined, 's3cret')).toBe(false);
    expect(verifyAftership(raw, [header, header], 's3cret')).toBe(false);
  });

  it('accepts 17TRACK sha256(body + "/" + key) in hex, either case', () => {
    const { sign } = sign17track(body, 'KEY17');
    expect(sign).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySeventeenTrack(raw, sign, 'KEY17')).toBe(true);
    expect(verifySeventeenTrack(raw, sign.toUpperCase(), 'KEY17')).toBe(true);
    expect(verifySeventeenTrack(raw, sign, 'KEY18')).toBe(false);
  });

  it('accepts the generic sha256=<hex> header only with its prefix', () => {
    const header = signGeneric(body, 'gen')['x-postship-signature'];
    expect(verifyGeneric(raw, header, 'gen')).toBe(true);
    expect(verifyGeneric(raw, header.replace('sha256=', ''), 'gen')).toBe(false);
  });

  it('accepts EasyPost hmac-sha256-hex=<hex> keyed with the NFKD form of the secret', () => {
    // "ﬁ" (U+FB01) normalizes to "fi" under NFKD: both spellings sign alike.
    const header = signEasyPost(body, 'ﬁne-secret')['x-hmac-signature'];
    expect(header).toMatch(/^hmac-sha256-hex=[0-9a-f]{64}$/);
    expect(verifyEasyPost(raw, header, 'fine-secret')).toBe(true);
    expect(verifyEasyPost(raw, header, 'fine-secret2')).toBe(false);
  });

  it('signs the bytes as sent, non-ASCII included', () => {
    const text = '{"description":"Zollabfertigung – München, 清关"}';
    const bytes = Buffer.from(text, 'utf8');
    expect(verifyAftership(bytes, signAftership(text, 'k')['aftership-hmac-sha256'], 'k')).toBe(true);
    expect(verifySeventeenTrack(bytes, sign17track(text, 'k').sign, 'k')).toBe(true);
    // The same characters in another encoding are other bytes: refused.
    expect(verifyAftership(Buffer.from(text, 'latin1'), signAftership(text, 'k')['aftership-hmac-sha256'], 'k')).toBe(false);
  });

  it('compares strings of different lengths without throwing', () => {
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('abcd', 'abcd')).toBe(true);
  });
});

describe('TrackingMore webhook signature', () => {
  it("matches the documentation's test vector: hex HMAC-SHA256 of the timestamp with the webhook secret", () => {
    expect(trackingMoreSignature('1662371528', '2e55b9a3-4dd1-4416-9897-c4bd1e3d738f')).toBe('a37084ab68ae16b77db1f8463f31be9fcc965e2515e03efecf8139bb1e511b06');
    const headers = { timestamp: '1662371528', signature: 'a37084ab68ae16b77db1f8463f31be9fcc965e2515e03efecf8139bb1e511b06' };
    expect(verifyTrackingMore(Buffer.from('{}'), headers.signature, '2e55b9a3-4dd1-4416-9897-c4bd1e3d738f', headers)).toBe(true);
    expect(verifyTrackingMore(Buffer.from('{}'), headers.signature, 'another-secret', headers)).toBe(false);
    expect(verifyTrackingMore(Buffer.from('{}'), headers.signature, '2e55b9a3-4dd1-4416-9897-c4bd1e3d738f', { ...headers, timestamp: '1662371529' })).toBe(false);
    expect(verifyTrackingMore(Buffer.from('{}'), undefined, '2e55b9a3-4dd1-4416-9897-c4bd1e3d738f', headers)).toBe(false);
  });
});
