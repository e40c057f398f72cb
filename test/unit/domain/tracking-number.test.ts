import { describe, expect, it } from 'vitest';
import {
  fitsCarrier, isDhlWaybill, isFedexExpress, isFedexGround, isS10, isUps, likelyCarriers, trackingNumberWarning,
} from '../../../src/domain/tracking-number.js';

describe('tracking-number formats', () => {
  it('UPU S10: the mod-11 check digit, including the 10 -> 0 and 11 -> 5 cases', () => {
    expect(isS10('RR123456785CN')).toBe(true);
    expect(isS10('RR123456784CN')).toBe(false);
    expect(isS10('EE000000005CN')).toBe(true); // sum 0: 11 -> 5
    expect(isS10('RR10000000' + '0' + 'CN')).toBe(false);
    expect(isS10('LP00123456789CN')).toBe(false); // 11 digits: not S10
  });

  it('UPS 1Z, DHL Express and FedEx check digits agree with the published test numbers', () => {
    for (const n of ['1Z5R89390357567127', '1Z879E930346834440', '1Z999AA10123456784']) expect(isUps(n)).toBe(true);
    expect(isUps('1Z1111111111111111')).toBe(false);
    for (const n of ['3318810025', '73891051146', '1099255990']) expect(isDhlWaybill(n)).toBe(true);
    expect(isDhlWaybill('3318810010')).toBe(false);
    for (const n of ['986578788855', '477179081230', '974367662710']) expect(isFedexExpress(n)).toBe(true);
    expect(isFedexExpress('996578788855')).toBe(false);
    expect(isFedexGround('568283610012734')).toBe(true);
    expect(isFedexGround('568283610012732')).toBe(false);
  });

  it('carrier formats: Cainiao LP, YunExpress YT, 4PX; spaces and case are forgiven', () => {
    expect(fitsCarrier('cainiao', 'LP00412345678901')).toBe(true);
    expect(fitsCarrier('cainiao', 'rr 123 456 785 cn')).toBe(true);
    expect(fitsCarrier('yunexpress', 'YT2212345678901234')).toBe(true);
    expect(fitsCarrier('4px', '4PX3001234567890CN')).toBe(true);
    expect(fitsCarrier('other', 'anything at all')).toBe(true);
  });

  it('a number that fits another carrier gets a warning naming it; a fitting one none', () => {
    expect(trackingNumberWarning('cainiao', 'LP00412345678901')).toBeNull();
    const wrong = trackingNumberWarning('cainiao', '1Z5R89390357567127');
    expect(wrong).toContain("does not fit cainiao's formats");
    expect(wrong).toContain('accepted anyway');
    expect(wrong).toContain('It looks like a ups number');
    expect(trackingNumberWarning('ups', 'YT2212345678901234')).toContain('looks like a yunexpress number');
    expect(trackingNumberWarning('china-post', 'RR123456784CN')).toContain('Check it for a typo');
    expect(likelyCarriers('RR123456785CN')).toContain('china-post');
  });
});
