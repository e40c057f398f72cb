/** Why a seller cancels an order's letters (its own module: the CLI's `--help` lists them without loading zod). */
export const CANCEL_REASONS = ['refund', 'dispute', 'cancelled', 'other'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];
