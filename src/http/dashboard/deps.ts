import type { ConfigFile } from '../../config/config-file.js';
import type { Db } from '../../store/db.js';

/** What the dashboard's POST actions do: the services the CLI's cancel, dispute and resend commands call. */
export interface DashboardActions {
  cancel(orderId: string, reason: string): Promise<string>;
  openDispute(orderId: string, reason: string): Promise<string>;
  closeDispute(orderId: string): Promise<string>;
  resend(orderId: string, milestone: string): Promise<string>;
}

export interface DashboardDeps {
  db: Db;
  file: Pick<ConfigFile, 'stores'>;
  now: () => number;
  /** admin.timezone (default UTC). */
  zone: string;
  actions?: DashboardActions;
}
