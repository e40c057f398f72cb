/**
 * How long the destination's delivery service keeps a parcel for pickup
 * before sending it back, per carrier x country, as data with its source
 * (like the customs notes). The carrier is the line the seller shipped with;
 * the last mile is the destination's post for postal and economy lines, the
 * courier itself for express. Where no row applies, a pickup reminder
 * promises no date. Correct a row here, keeping `source` and `lastChecked` honest.
 */
export interface PickupHold {
  /** Carrier codes (see carriers.ts), or '*' for every postal and economy line. */
  carriers: readonly string[] | 'postal-lines';
  country: string;
  /** Calendar days from the pickup notice. */
  days: number;
  /** Who holds it, for the seller reading the table. */
  heldBy: string;
  source: string;
  /** ISO date a person last checked the row against the source; null = not yet checked. */
  lastChecked: string | null;
}

export const PICKUP_HOLDS: readonly PickupHold[] = [
  {
    carriers: 'postal-lines', country: 'DE', days: 7, heldBy: 'Deutsche Post / DHL (Filiale, Packstation)',
    source: 'https://www.dhl.de/de/privatkunden/hilfe-kundenservice.html (Lagerfrist: 7 Tage in Filiale und Packstation)',
    lastChecked: null,
  },
  {
    carriers: 'postal-lines', country: 'US', days: 15, heldBy: 'USPS',
    source: 'https://faq.usps.com (a notice-left item is held 15 days before return)',
    lastChecked: null,
  },
  {
    carriers: 'postal-lines', country: 'GB', days: 18, heldBy: 'Royal Mail (delivery office)',
    source: 'https://www.royalmail.com/receiving-mail/missed-delivery (items kept 18 days)',
    lastChecked: null,
  },
  {
    carriers: 'postal-lines', country: 'PL', days: 14, heldBy: 'Poczta Polska (awizo)',
    source: 'https://www.poczta-polska.pl (przesyłka awizowana: 14 dni na odbiór)',
    lastChecked: null,
  },
];
