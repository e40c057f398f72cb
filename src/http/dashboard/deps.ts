import type { ConfigFile } from '../../config/config-file.js';
import type { Ledger } from '../../store/ledger-api.js';

/** What the dashboard's POST actions do: the services the CLI's cancel, dispute and resend commands call. */
export interface DashboardActions {
  cancel(orderId: string, reason: string): Promise<string>;
  openDispute(orderId: string, reason: string): Promise<string>;
  closeDispute(orderId: string): Promise<string>;
  resend(orderId: string, milestone: string): Promise<string>;
}

export interface DashboardDeps {
  ledger: Ledger;
  file: Pick<ConfigFile, 'stores'>;
  now: () => number;
  /** admin.timezone (default UTC). */
  zone: string;
  actions?: DashboardActions;
}
