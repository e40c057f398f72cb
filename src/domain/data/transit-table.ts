import type { CarrierClass } from '../carriers.js';

/**
 * Expected transit, in business days of the destination, from a parcel leaving
 * a mainland-China warehouse to delivery. Each row says where its figures come
 * from or what they assume; they drive the "expected between ..." text and,
 * later, delay detection. A profile's `transitDays` always wins over this table.
 *
 * Sources, by tag used in `basis`:
 * - [seed]: ../shared/seeds letters: CPAM "25-30 working days"; "shipping to your
 *   country needs about 7-21 business days", longer with strict customs or bad weather.
 * - [practice]: common ranges sellers quote for these lanes (carrier and marketplace
 *   service pages, 2024-2026); an editorial estimate, not a carrier guarantee.
 * - [aliexpress]: what AliExpress itself tells buyers about AliExpress Standard Shipping
 *   (Cainiao): 15-45 calendar days to the US and comparable long-haul lanes, "10 to 45 days
 *   depending on destination" (AliExpress Blog, 2025, quoted at
 *   https://woodropship.com/blog/aliexpress-shipping-standard-cainiao-epacket-guide); Cainiao's
 *   cross-border page: Standard averages 10-18 days to key markets (UK/FR/DE from 7), Economy
 *   20-45. Calendar days are converted at 5 business days a week (45 calendar ~ 32 business).
 *   Checked 2026-12-01. These lanes used to say 8-15 business days, which a normal parcel
 *   routinely missed: every one of them got a "late" letter.
 * Correct a row here when your own delivery data disagrees; keep `basis` honest.
 */
export interface TransitRow {
  min: number;
  max: number;
  basis: string;
}

export type TransitTable = Readonly<Record<string, Partial<Record<CarrierClass, TransitRow>>>>;

const EU_POSTAL: TransitRow = { min: 10, max: 22, basis: '[seed] 7-21 business days, +1 for EU import (IOSS) checks' };
const EU_ECONOMY: TransitRow = { min: 7, max: 15, basis: '[practice] Cainiao/4PX/Yanwen/YunExpress EU lines with EU hubs' };
const EXPRESS: TransitRow = { min: 3, max: 7, basis: '[practice] DHL/FedEx/UPS/SF door-to-door from south China' };

export const TRANSIT_TABLE: TransitTable = {
  US: {
    postal: { min: 10, max: 20, basis: '[seed] ePacket to the US; [practice] CBP duty collection since Aug 2025 adds a few days' },
    economy: { min: 11, max: 32, basis: '[aliexpress] AliExpress Standard to the US: 15-45 days (calendar)' },
    express: EXPRESS,
  },
  CA: {
    postal: { min: 12, max: 25, basis: '[seed] 7-21 days, +Canada Post customs handling' },
    economy: { min: 12, max: 32, basis: '[aliexpress] 15-45 days (calendar), lines via the US or direct YVR/YYZ' },
    express: EXPRESS,
  },
  GB: {
    postal: { min: 8, max: 18, basis: '[seed] 7-21 days; UK VAT collected at sale, quick clearance' },
    economy: { min: 6, max: 12, basis: '[practice] UK lines, VAT prepaid' },
    express: { min: 3, max: 6, basis: EXPRESS.basis },
  },
  ...Object.fromEntries(
    ['DE', 'FR', 'ES', 'IT', 'NL', 'BE', 'PT', 'PL', 'CZ', 'SE'].map((c) => [c, { postal: EU_POSTAL, economy: EU_ECONOMY, express: EXPRESS }]),
  ),
  RU: {
    postal: { min: 15, max: 35, basis: '[seed] CPAM 25-30 working days; Russian Post sorting adds days' },
    economy: { min: 12, max: 25, basis: '[seed] "special line to Russia" (Cainiao/rail+road lines)' },
    express: { min: 5, max: 12, basis: '[practice] express with broker clearance (passport data)' },
  },
  UA: {
    postal: { min: 15, max: 30, basis: '[seed] CPAM 25-30 working days; routing via Poland' },
    economy: { min: 12, max: 25, basis: '[practice] lines via Poland to Nova Poshta/Ukrposhta' },
    express: { min: 5, max: 10, basis: EXPRESS.basis },
  },
  BR: {
    postal: { min: 20, max: 40, basis: '[seed] CPAM 25-30 working days; Correios customs queue (CPF, taxes) often adds 5-10' },
    economy: { min: 15, max: 35, basis: '[practice] AliExpress Standard to Brazil under Remessa Conforme' },
    express: { min: 5, max: 12, basis: '[practice] express with Receita Federal clearance' },
  },
  MX: {
    postal: { min: 15, max: 35, basis: '[seed] 7-21 days; Correos de México is slow to deliver' },
    economy: { min: 14, max: 35, basis: '[aliexpress] 15-45 days (calendar) and more; delivered by local couriers' },
    express: { min: 4, max: 8, basis: EXPRESS.basis },
  },
  CL: {
    postal: { min: 15, max: 35, basis: '[seed] 7-21 days; long haul and CorreosChile customs' },
    economy: { min: 14, max: 35, basis: '[aliexpress] 15-45 days (calendar) and more; long haul, Correos/couriers in Chile' },
    express: { min: 4, max: 8, basis: EXPRESS.basis },
  },
  IL: {
    postal: { min: 15, max: 30, basis: '[seed] 7-21 days; Israel Post backlog common' },
    economy: { min: 14, max: 35, basis: '[aliexpress] 15-45 days (calendar) and more; Israel Post / local couriers' },
    express: EXPRESS,
  },
  TR: {
    postal: { min: 15, max: 30, basis: '[seed] 7-21 days; +customs since the EUR 30 regime ended (Feb 2026)' },
    economy: { min: 14, max: 35, basis: '[aliexpress] 15-45 days (calendar); every parcel a regular customs declaration since 6 Feb 2026' },
    express: { min: 4, max: 8, basis: EXPRESS.basis },
  },
  SA: {
    postal: { min: 12, max: 25, basis: '[seed] 7-21 days' },
    economy: { min: 12, max: 32, basis: '[aliexpress] 15-45 days (calendar), Gulf lines' },
    express: EXPRESS,
  },
  AE: {
    postal: { min: 12, max: 25, basis: '[seed] 7-21 days' },
    economy: { min: 12, max: 32, basis: '[aliexpress] 15-45 days (calendar), Gulf lines' },
    express: EXPRESS,
  },
  KR: {
    postal: { min: 7, max: 15, basis: '[practice] short haul from China; K-Customs needs the PCCC' },
    economy: { min: 5, max: 10, basis: '[practice] short-haul lines' },
    express: { min: 2, max: 5, basis: EXPRESS.basis },
  },
  JP: {
    postal: { min: 7, max: 15, basis: '[practice] short haul from China' },
    economy: { min: 5, max: 10, basis: '[practice] short-haul lines' },
    express: { min: 2, max: 5, basis: EXPRESS.basis },
  },
  AU: {
    postal: { min: 10, max: 20, basis: '[seed] 7-21 days (the seed post-office letter is Sydney)' },
    economy: { min: 10, max: 28, basis: '[aliexpress] 15-40 days (calendar), AU lines, GST collected at sale' },
    express: EXPRESS,
  },
};
