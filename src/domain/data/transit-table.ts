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
    economy: { min: 8, max: 15, basis: '[practice] dedicated US lines, duties prepaid by the line' },
    express: EXPRESS,
  },
  CA: {
    postal: { min: 12, max: 25, basis: '[seed] 7-21 days, +Canada Post customs handling' },
    economy: { min: 10, max: 20, basis: '[practice] lines via US or direct YVR/YYZ' },
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
    economy: { min: 10, max: 25, basis: '[practice] lines delivered by local couriers' },
    express: { min: 4, max: 8, basis: EXPRESS.basis },
  },
  CL: {
    postal: { min: 15, max: 35, basis: '[seed] 7-21 days; long haul and CorreosChile customs' },
    economy: { min: 10, max: 25, basis: '[practice] Cainiao/4PX lines to Chile' },
    express: { min: 4, max: 8, basis: EXPRESS.basis },
  },
  IL: {
    postal: { min: 15, max: 30, basis: '[seed] 7-21 days; Israel Post backlog common' },
    economy: { min: 10, max: 20, basis: '[practice] lines delivered by local couriers' },
    express: EXPRESS,
  },
  TR: {
    postal: { min: 15, max: 30, basis: '[seed] 7-21 days; +customs since the EUR 30 regime ended (Feb 2026)' },
    economy: { min: 10, max: 20, basis: '[practice] lines, +customs since Feb 2026' },
    express: { min: 4, max: 8, basis: EXPRESS.basis },
  },
  SA: {
    postal: { min: 12, max: 25, basis: '[seed] 7-21 days' },
    economy: { min: 8, max: 15, basis: '[practice] Gulf lines' },
    express: EXPRESS,
  },
  AE: {
    postal: { min: 12, max: 25, basis: '[seed] 7-21 days' },
    economy: { min: 8, max: 15, basis: '[practice] Gulf lines' },
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
    economy: { min: 8, max: 15, basis: '[practice] AU lines, GST collected at sale' },
    express: EXPRESS,
  },
};
