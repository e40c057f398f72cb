/** What a postship process does: send (worker) or answer HTTP (web), or both. */
export type Role = 'worker' | 'web';
export const ROLES: readonly Role[] = ['worker', 'web'];
