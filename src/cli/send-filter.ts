/** The send filter and its ledger queries live in src/store/send-list.ts (shared with the HTTP API). */
export * from '../store/send-list.js';
