import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { DISPUTE_REASONS, FEEDBACK_SOURCES, MAIL_EVENT_KINDS, REGISTRATION_STATES, SEND_STATUSES, STORE_PLATFORMS, TRACKING_PROVIDERS } from './schema.js';

/**
 * The ledger's tables for PostgreSQL: the same tables, columns (same names),
 * defaults, keys and indexes as schema.ts, which stays the reference; the
 * parity test (test/integration/store/pg-schema-parity.test.ts) fails when
 * the two disagree. Change both, then `npm run db:generate` and
 * `npm run db:generate:pg`. Times are epoch milliseconds, so `bigint` (an
 * `integer` is 32 bits in PostgreSQL), and so are ids (64-bit in SQLite); ids take explicit values on `db copy`,
 * hence identity BY DEFAULT. The registration-count triggers of SQLite's
 * migration 0008 are a custom migration in migrations/postgres/.
 */

const ms = (name: string) => bigint(name, { mode: 'number' });
const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity();

export const orders = pgTable(
  'orders',
  {
    orderId: text('order_id').primaryKey(),
    store: text('store').notNull(),
    buyerName: text('buyer_name').notNull(),
    buyerEmail: text('buyer_email').notNull(),
    buyerChannelId: text('buyer_channel_id'),
    buyerLocale: text('buyer_locale').notNull(),
    buyerTimezone: text('buyer_timezone').notNull(),
    country: text('country').notNull(),
    carrier: text('carrier').notNull(),
    trackingNumber: text('tracking_number').notNull(),
    shippedAt: ms('shipped_at').notNull(),
    state: text('state', { enum: ['active', 'delivered', 'returned', 'cancelled'] }).notNull().default('active'),
    stateReason: text('state_reason'),
    stageRank: integer('stage_rank').notNull().default(0),
    lastEventAt: ms('last_event_at'),
    exceptionAt: ms('exception_at'),
    disputedAt: ms('disputed_at'),
    watchAt: ms('watch_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    index('orders_tracking_idx').on(t.trackingNumber),
    index('orders_store_state_shipped_idx').on(t.store, t.state, t.shippedAt),
    index('orders_watch_idx').on(t.watchAt).where(sql`${t.watchAt} IS NOT NULL`),
    index('orders_state_shipped_idx').on(t.state, t.shippedAt),
    index('orders_buyer_email_idx').on(t.buyerEmail),
    // `list --country` / `--carrier`: how many orders a lane has, and a small lane's orders, without a scan;
    // the other lane columns ride along so a combination is checked in the index, not the table
    // (an import appends to a few hundred groups, so these cost it little).
    index('orders_country_idx').on(t.country, t.carrier, t.store),
    index('orders_carrier_idx').on(t.carrier, t.store),
    index('orders_state_stage_last_event_idx').on(t.state, t.stageRank, t.lastEventAt, t.shippedAt),
    index('orders_store_state_stage_last_event_idx').on(t.store, t.state, t.stageRank, t.lastEventAt, t.shippedAt),
    index('orders_exception_idx').on(t.state, t.shippedAt).where(sql`${t.exceptionAt} IS NOT NULL`),
    // The dashboard's at-customs list: newest shipped first, found in its own small index (the stall index keeps them by last scan).
    // Partial on the stage alone: PostgreSQL's list names the state in a form no (state, ...) index can serve, so it reads this one.
    index('orders_customs_idx').on(t.shippedAt, t.store, t.state, t.lastEventAt, t.exceptionAt).where(sql`${t.stageRank} = 2`),
  ],
);

export const sends = pgTable(
  'sends',
  {
    id: id(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.orderId),
    milestone: text('milestone').notNull(),
    seq: integer('seq').notNull().default(0),
    resendOf: bigint('resend_of', { mode: 'number' }),
    status: text('status', { enum: SEND_STATUSES }).notNull(),
    dueAt: ms('due_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    queuedAt: ms('queued_at'),
    claimedAt: ms('claimed_at'),
    sentAt: ms('sent_at'),
    messageId: text('message_id'),
    smtpResponse: text('smtp_response'),
    subject: text('subject'),
    template: text('template'),
    locale: text('locale'),
    reason: text('reason'),
    error: text('error'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('sends_order_milestone_seq_uq').on(t.orderId, t.milestone, t.seq).where(sql`${t.resendOf} IS NULL`),
    index('sends_status_due_idx').on(t.status, t.dueAt),
    index('sends_due_idx').on(t.dueAt),
    // `list --milestone` (and a status) in due order, a range per milestone x status: without it a walk for a milestone
    // with no rows read every send (12 s at 1,000,000 orders), and one for a status and a milestone that never meet, 1.1 s.
    index('sends_milestone_status_due_idx').on(t.milestone, t.status, t.dueAt),
    index('sends_order_idx').on(t.orderId),
    // A bounce or an email service's event names its message by Message-ID (issue 22).
    index('sends_message_id_idx').on(t.messageId).where(sql`${t.messageId} IS NOT NULL`),
    index('sends_sent_idx').on(t.sentAt).where(sql`${t.status} = 'sent'`),
  ],
);

export const trackingEvents = pgTable(
  'tracking_events',
  {
    id: id(),
    provider: text('provider').notNull(),
    dedupKey: text('dedup_key').notNull(),
    trackingNumber: text('tracking_number').notNull(),
    carrier: text('carrier'),
    orderId: text('order_id'),
    providerStatus: text('provider_status'),
    milestone: text('milestone'),
    occurredAt: ms('occurred_at'),
    receivedAt: ms('received_at').notNull(),
    processedAt: ms('processed_at'),
    outcome: text('outcome'),
    source: text('source', { enum: ['push', 'poll'] }).notNull().default('push'),
    raw: text('raw').notNull(),
  },
  (t) => [
    uniqueIndex('tracking_events_number_dedup_uq').on(t.trackingNumber, t.provider, t.dedupKey),
    index('tracking_events_order_idx').on(t.orderId),
    index('tracking_events_pending_idx').on(t.receivedAt).where(sql`${t.processedAt} IS NULL`),
  ],
);

export const suppressions = pgTable(
  'suppressions',
  {
    email: text('email').primaryKey(),
    scope: text('scope', { enum: ['all', 'review'] }).notNull(),
    reason: text('reason').notNull(),
    createdAt: ms('created_at').notNull(),
    sendId: bigint('send_id', { mode: 'number' }),
    messageId: text('message_id'),
  },
  (t) => [index('suppressions_created_idx').on(t.createdAt)],
);

export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const trackingRegistrations = pgTable(
  'tracking_registrations',
  {
    orderId: text('order_id')
      .primaryKey()
      .references(() => orders.orderId),
    provider: text('provider', { enum: TRACKING_PROVIDERS }).notNull(),
    trackingNumber: text('tracking_number').notNull(),
    carrier: text('carrier').notNull(),
    state: text('state', { enum: REGISTRATION_STATES }).notNull(),
    dueAt: ms('due_at'),
    providerId: text('provider_id'),
    detectedCarrier: text('detected_carrier'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    registeredAt: ms('registered_at'),
    lastPushAt: ms('last_push_at'),
    lastPollAt: ms('last_poll_at'),
    stoppedAt: ms('stopped_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    index('tracking_registrations_due_idx').on(t.provider, t.state, t.dueAt),
    index('tracking_registrations_number_idx').on(t.trackingNumber),
  ],
);

export const feedback = pgTable(
  'feedback',
  {
    id: id(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.orderId),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    source: text('source', { enum: FEEDBACK_SOURCES }).notNull(),
    externalId: text('external_id'),
    leftAt: ms('left_at').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [
    index('feedback_order_idx').on(t.orderId),
    index('feedback_rating_left_idx').on(t.rating, t.leftAt),
    uniqueIndex('feedback_source_external_uq').on(t.source, t.externalId).where(sql`${t.externalId} IS NOT NULL`),
  ],
);

export const disputes = pgTable(
  'disputes',
  {
    id: id(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.orderId),
    seq: integer('seq').notNull(),
    reason: text('reason', { enum: DISPUTE_REASONS }).notNull(),
    openedAt: ms('opened_at').notNull(),
    closedAt: ms('closed_at'),
  },
  (t) => [
    uniqueIndex('disputes_order_seq_uq').on(t.orderId, t.seq),
    index('disputes_open_idx').on(t.openedAt).where(sql`${t.closedAt} IS NULL`),
  ],
);

/** Kept by the plpgsql triggers of the custom migration, as SQLite's 0008 triggers keep it. */
export const trackingRegistrationCounts = pgTable(
  'tracking_registration_counts',
  {
    provider: text('provider').notNull(),
    state: text('state').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.state] })],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    store: text('store'),
    secretHash: text('secret_hash').notNull(),
    createdAt: ms('created_at').notNull(),
    lastUsedAt: ms('last_used_at'),
    revokedAt: ms('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_secret_hash_uq').on(t.secretHash)],
);

export const storeWebhooks = pgTable(
  'store_webhooks',
  {
    id: id(),
    platform: text('platform', { enum: STORE_PLATFORMS }).notNull(),
    deliveryId: text('delivery_id').notNull(),
    shop: text('shop').notNull(),
    store: text('store').notNull(),
    topic: text('topic').notNull(),
    receivedAt: ms('received_at').notNull(),
    appliedAt: ms('applied_at'),
    outcome: text('outcome'),
    raw: text('raw').notNull(),
  },
  (t) => [
    uniqueIndex('store_webhooks_delivery_uq').on(t.platform, t.deliveryId),
    index('store_webhooks_pending_idx').on(t.receivedAt).where(sql`${t.appliedAt} IS NULL`),
  ],
);

/** schema.ts mailEvents (issue 22). */
export const mailEvents = pgTable(
  'mail_events',
  {
    id: id(),
    source: text('source').notNull(),
    dedupKey: text('dedup_key').notNull(),
    kind: text('kind', { enum: MAIL_EVENT_KINDS }).notNull(),
    bounceType: text('bounce_type'),
    email: text('email').notNull(),
    recipientDomain: text('recipient_domain').notNull(),
    store: text('store'),
    sendId: bigint('send_id', { mode: 'number' }),
    messageId: text('message_id'),
    detail: text('detail'),
    occurredAt: ms('occurred_at').notNull(),
    receivedAt: ms('received_at').notNull(),
  },
  (t) => [
    uniqueIndex('mail_events_source_dedup_uq').on(t.source, t.dedupKey),
    index('mail_events_send_idx').on(t.sendId),
    index('mail_events_occurred_idx').on(t.occurredAt),
  ],
);

/** The dashboard's count tables (issue 23), kept by the plpgsql triggers of a custom migration, as SQLite's 0011 triggers keep them. */
export const dashboardStageCounts = pgTable(
  'dashboard_stage_counts',
  {
    shipDay: integer('ship_day').notNull(),
    store: text('store').notNull(),
    carrier: text('carrier').notNull(),
    country: text('country').notNull(),
    stage: text('stage').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.shipDay, t.store, t.carrier, t.country, t.stage] })],
);

/** SQLite's bulk-import flag (see schema.ts); kept for parity, PostgreSQL's import will use it the same way. */
export const dashboardBulkImport = pgTable('dashboard_bulk_import', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
});

export const dashboardLaneTransit = pgTable(
  'dashboard_lane_transit',
  {
    store: text('store').notNull(),
    carrier: text('carrier').notNull(),
    country: text('country').notNull(),
    days: integer('days').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.store, t.carrier, t.country, t.days] })],
);

export const dashboardSendCounts = pgTable(
  'dashboard_send_counts',
  {
    day: integer('day').notNull(),
    store: text('store').notNull(),
    milestone: text('milestone').notNull(),
    status: text('status').notNull(),
    reason: text('reason').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.store, t.milestone, t.status, t.reason] })],
);
