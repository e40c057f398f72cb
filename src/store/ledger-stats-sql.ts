/** Sends in the ledger by milestone, status and lane: the `postship_sends` gauge. */
export const SENDS_BY_LANE_SQL = `SELECT s.milestone, s.status, o.carrier, o.country, count(*) AS n
FROM sends s JOIN orders o ON o.order_id = s.order_id
GROUP BY s.milestone, s.status, o.carrier, o.country`;

export interface LaneCount {
  milestone: string;
  status: string;
  carrier: string;
  country: string;
  n: number;
}
