import { DateTime } from 'luxon';

/** The same formats as the CLI's (src/cli/format.ts), for views shared by the CLI and the API. */
export function isoUtc(ms: number | null): string | null {
  return ms === null ? null : DateTime.fromMillis(ms, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

export function localTime(ms: number | null, zone: string): string | null {
  return ms === null ? null : DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
}
