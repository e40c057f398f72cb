import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { DISPUTE_REASONS, FEEDBACK_SOURCES, type DisputeReason, type FeedbackSource } from '../domain/replies.js';
import { STORE_PLATFORMS, type StorePlatform } from '../domain/store-platforms.js';
import { REGISTRATION_STATES, TRACKING_PROVIDERS, type RegistrationState, type TrackingProviderName } from '../domain/tracking-providers.js';

// The ledger's vocabularies are the domain's; re-exported so store code reads them beside the tables.
export { DISPUTE_REASONS, FEEDBACK_SOURCES, REGISTRATION_STATES, STORE_PLATFORMS, TRACKING_PROVIDERS };
export type { DisputeReason, FeedbackSource, RegistrationState, StorePlatform, TrackingProviderName };

// Times are integer milliseconds since the epoch, UTC: cheap to compare and index.

export const orders = sqliteTable(
  'orders',
  {
    orderId: text('order_id').primaryKey(),
    store: text('store').notNull(),
    buyerName: text('buyer_name').notNull(),
    buyerEmail: text('buyer_email').notNull(),
    /** The buyer's id on the store's own messaging (webhook channel), for a buyer without an email address. */
    buyerChannelId: text('buyer_channel_id'),
    buyerLocale: text('buyer_locale').notNull(),
    buyerTimezone: text('buyer_timezone').notNull(),
    country: text('country').notNull(),
    carrier: text('carrier').notNull(),
    trackingNumber: text('tracking_number').notNull(),
    shippedAt: integer('shipped_at').notNull(),
    state: text('state', { enum: ['active', 'delivered', 'returned', 'cancelled'] }).notNull().default('active'),
    /** Why the order left `active`: a cancel reason, or the tracking status. */
    stateReason: text('state_reason'),
    /** Furthest logistics stage reached (milestone rank), so old events never move it back. */
    stageRank: integer('stage_rank').notNull().default(0),
    lastEventAt: integer('last_event_at'),
    /**
     * The latest carrier exception (failed attempt, held, undeliverable) of an
     * active order. While it is the latest news (>= last_event_at) the
     * dashboard counts the parcel as `exception`; a later scan moves it on.
     */
    exceptionAt: integer('exception_at'),
    /** Set while the buyer has a dispute open: review requests wait until it closes. */
    disputedAt: integer('disputed_at'),
    /**
     * When the delay watch next needs to look at this order (a lower bound of
     * when a notice could fall due; null: never again). The hourly watch reads
     * only orders whose time has come, not the whole backlog.
     */
    watchAt: integer('watch_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('orders_tracking_idx').on(t.trackingNumber),
    // A store's orders, and its active ones by age (at-risk --store, the seller's digest).
    index('orders_store_state_shipped_idx').on(t.store, t.state, t.shippedAt),
    index('orders_watch_idx').on(t.watchAt).where(sql`${t.watchAt} IS NOT NULL`),
    // at-risk and the digest: active orders by age.
    index('orders_state_shipped_idx').on(t.state, t.shippedAt),
    // The worker's inbox rules: letters sent to this buyer in the last 48 h, across their orders.
    index('orders_buyer_email_idx').on(t.buyerEmail),
    // `list --country` / `--carrier`: how many orders a lane has, and a small lane's orders, without a scan;
    // the other lane columns ride along so a combination is checked in the index, not the table
    // (an import appends to a few hundred groups, so these cost it little).
    index('orders_country_idx').on(t.country, t.carrier, t.store),
    index('orders_carrier_idx').on(t.carrier, t.store),
    // The dashboard's needs-attention lists: active orders of a stage by their last scan (stalled, awaiting pickup),
    // the never-scanned by shipping date; for all stores and for one.
    index('orders_state_stage_last_event_idx').on(t.state, t.stageRank, t.lastEventAt, t.shippedAt),
    index('orders_store_state_stage_last_event_idx').on(t.store, t.state, t.stageRank, t.lastEventAt, t.shippedAt),
    // The dashboard's exception segment: the few orders that ever had one, by state and shipping date.
    index('orders_exception_idx').on(t.state, t.shippedAt).where(sql`${t.exceptionAt} IS NOT NULL`),
    // The dashboard's at-customs list: newest shipped first, found in its own small index (the stall index keeps them by last scan).
    // Partial on the stage alone: PostgreSQL's list names the state in a form no (state, ...) index can serve, so it reads this one.
    index('orders_customs_idx').on(t.shippedAt, t.store, t.state, t.lastEventAt, t.exceptionAt).where(sql`${t.stageRank} = 2`),
  ],
);

export const SEND_STATUSES = ['scheduled', 'queued', 'sending', 'sent', 'skipped', 'cancelled', 'failed'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

export const sends = sqliteTable(
  'sends',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.orderId),
    milestone: text('milestone').notNull(),
    /** 0 for the first of a milestone; 1, 2... for repeats (a second delay notice, the 7-day pickup reminder). */
    seq: integer('seq').notNull().default(0),
    /** Set on a deliberate resend: the send it repeats. */
    resendOf: integer('resend_of'),
    status: text('status', { enum: SEND_STATUSES }).notNull(),
    dueAt: integer('due_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    queuedAt: integer('queued_at'),
    claimedAt: integer('claimed_at'),
    sentAt: integer('sent_at'),
    messageId: text('message_id'),
    smtpResponse: text('smtp_response'),
    subject: text('subject'),
    template: text('template'),
    locale: text('locale'),
    /** Skip or cancel reason (`stale`, `superseded`, `refund`...). */
    reason: text('reason'),
    /** Last failure, for failed rows and for retries in progress. */
    error: text('error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // One scheduled message per order x milestone x seq; resends are rows of their own.
    uniqueIndex('sends_order_milestone_seq_uq').on(t.orderId, t.milestone, t.seq).where(sql`${t.resendOf} IS NULL`),
    index('sends_status_due_idx').on(t.status, t.dueAt),
    // `list` and `/admin` by due time without a status filter (--since/--until, a lane or store).
    index('sends_due_idx').on(t.dueAt),
    // `list --milestone` (and a status) in due order, a range per milestone x status: without it a walk for a milestone
    // with no rows read every send (12 s at 1,000,000 orders), and one for a status and a milestone that never meet, 1.1 s.
    index('sends_milestone_status_due_idx').on(t.milestone, t.status, t.dueAt),
    index('sends_order_idx').on(t.orderId),
    // A bounce or an email service's event names its message by Message-ID (issue 22).
    index('sends_message_id_idx').on(t.messageId).where(sql`${t.messageId} IS NOT NULL`),
    // Deliverability over the last 7 days (/admin/letters, /metrics, the digest): a range of the letters sent, not all of them.
    index('sends_sent_idx').on(t.sentAt).where(sql`${t.status} = 'sent'`),
  ],
);

export const trackingEvents = sqliteTable(
  'tracking_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    provider: text('provider').notNull(),
    /** Provider event id, or a key derived from the event when the provider has none. */
    dedupKey: text('dedup_key').notNull(),
    trackingNumber: text('tracking_number').notNull(),
    carrier: text('carrier'),
    orderId: text('order_id'),
    /** Provider status words as received, e.g. `InTransit/InTransit_CustomsProcessing`. */
    providerStatus: text('provider_status'),
    /** Normalized: customs | post_office | delivered | exception | returned | null. */
    milestone: text('milestone'),
    occurredAt: integer('occurred_at'),
    receivedAt: integer('received_at').notNull(),
    processedAt: integer('processed_at'),
    /** What applying it did: `scheduled customs`, `unmatched`, `ignored: older than stage`... */
    outcome: text('outcome'),
    /** How it reached us: `push` (webhook) or `poll` (fetched from the provider's API). */
    source: text('source', { enum: ['push', 'poll'] }).notNull().default('push'),
    raw: text('raw').notNull(),
  },
  (t) => [
    // Dedup and lookup by tracking number in one index: a provider's event id is
    // random, so a unique index of its own dirtied one more page per event. An
    // event id always comes with the same tracking number, so this is as strict.
    uniqueIndex('tracking_events_number_dedup_uq').on(t.trackingNumber, t.provider, t.dedupKey),
    index('tracking_events_order_idx').on(t.orderId),
    // The pending-event sweep's query: small, since nearly every event is processed within seconds.
    index('tracking_events_pending_idx').on(t.receivedAt).where(sql`${t.processedAt} IS NULL`),
  ],
);

export const suppressions = sqliteTable(
  'suppressions',
  {
    email: text('email').primaryKey(),
    /** `all` (hard bounce) or `review` (unsubscribed from review requests). */
    scope: text('scope', { enum: ['all', 'review'] }).notNull(),
    reason: text('reason').notNull(),
    createdAt: integer('created_at').notNull(),
    /** The send a bounce or complaint came from (issue 22), when known. */
    sendId: integer('send_id'),
    messageId: text('message_id'),
  },
  // The dashboard's newest bounced or complained addresses.
  (t) => [index('suppressions_created_idx').on(t.createdAt)],
);

/** Small facts about this installation, e.g. the generated unsubscribe-link secret. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * The registration outbox: one row per order tracked through a provider's API,
 * written in the same transaction as the order, drained by the tracking.sync job.
 */
export const trackingRegistrations = sqliteTable(
  'tracking_registrations',
  {
    orderId: text('order_id')
      .primaryKey()
      .references(() => orders.orderId),
    provider: text('provider', { enum: TRACKING_PROVIDERS }).notNull(),
    trackingNumber: text('tracking_number').notNull(),
    /** The postship carrier code the registration was made with. */
    carrier: text('carrier').notNull(),
    state: text('state', { enum: REGISTRATION_STATES }).notNull(),
    /**
     * When this row next needs work, by state: pending → the next registration
     * attempt; registered → the next poll; stopping → the next stop attempt.
     * Null for final states. One index serves every drain.
     */
    dueAt: integer('due_at'),
    /** The provider's own id for the tracking (AfterShip, TrackingMore), when it has one. */
    providerId: text('provider_id'),
    /** The carrier the provider detected or uses, as the provider names it, when it differs from ours. */
    detectedCarrier: text('detected_carrier'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    registeredAt: integer('registered_at'),
    /** Last push (webhook) or poll that brought this parcel's history. */
    lastPushAt: integer('last_push_at'),
    lastPollAt: integer('last_poll_at'),
    stoppedAt: integer('stopped_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('tracking_registrations_due_idx').on(t.provider, t.state, t.dueAt),
    index('tracking_registrations_number_idx').on(t.trackingNumber),
  ],
);

/**
 * Buyer feedback (a 1-5 rating, maybe a comment), as recorded by the seller
 * or a review platform. A platform's own id dedups its retries.
 */
export const feedback = sqliteTable(
  'feedback',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.orderId),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    source: text('source', { enum: FEEDBACK_SOURCES }).notNull(),
    /** The review platform's id for this feedback (webhook), so a retried delivery is stored once. */
    externalId: text('external_id'),
    /** When the buyer left it (the platform's time), else when it was recorded. */
    leftAt: integer('left_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('feedback_order_idx').on(t.orderId),
    index('feedback_rating_left_idx').on(t.rating, t.leftAt),
    uniqueIndex('feedback_source_external_uq').on(t.source, t.externalId).where(sql`${t.externalId} IS NOT NULL`),
  ],
);

/**
 * Each dispute a buyer opened, with its reason. `seq` numbers an order's
 * disputes (0 first) and is the seq of the dispute_reply send it triggers.
 */
export const disputes = sqliteTable(
  'disputes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.orderId),
    seq: integer('seq').notNull(),
    reason: text('reason', { enum: DISPUTE_REASONS }).notNull(),
    openedAt: integer('opened_at').notNull(),
    closedAt: integer('closed_at'),
  },
  (t) => [
    uniqueIndex('disputes_order_seq_uq').on(t.orderId, t.seq),
    index('disputes_open_idx').on(t.openedAt).where(sql`${t.closedAt} IS NULL`),
  ],
);

/**
 * Registrations per provider and state, kept by triggers on
 * tracking_registrations (migration 0008): `tracking status` and /metrics
 * read a handful of rows instead of counting a million.
 */
export const trackingRegistrationCounts = sqliteTable(
  'tracking_registration_counts',
  {
    provider: text('provider').notNull(),
    state: text('state').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.state] })],
);

/**
 * Bearer tokens of the HTTP API. Only a SHA-256 of the secret is kept (the
 * secret has 256 random bits, so a slow hash would add nothing); `store` null
 * means every store.
 */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    store: text('store'),
    secretHash: text('secret_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_secret_hash_uq').on(t.secretHash)],
);

/**
 * Store-platform webhooks (Shopify, WooCommerce) as received: stored before
 * the answer, deduplicated by the platform's delivery id, applied (an order
 * entered or cancelled) right after; `appliedAt` null is still to apply.
 */
export const storeWebhooks = sqliteTable(
  'store_webhooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    platform: text('platform', { enum: STORE_PLATFORMS }).notNull(),
    deliveryId: text('delivery_id').notNull(),
    /** The Shopify shop domain or the WooCommerce site URL. */
    shop: text('shop').notNull(),
    store: text('store').notNull(),
    topic: text('topic').notNull(),
    receivedAt: integer('received_at').notNull(),
    appliedAt: integer('applied_at'),
    /** What applying it did: `entered ORDER`, `cancelled ORDER`, `ignored: no tracking number`... */
    outcome: text('outcome'),
    raw: text('raw').notNull(),
  },
  (t) => [
    uniqueIndex('store_webhooks_delivery_uq').on(t.platform, t.deliveryId),
    index('store_webhooks_pending_idx').on(t.receivedAt).where(sql`${t.appliedAt} IS NULL`),
  ],
);

/**
 * Orders per ship day, store, lane and stage, kept by triggers on orders
 * (migration 0011's hand-written part): the dashboard's stage funnel and the
 * lanes' parcels in flight read these few rows instead of counting orders.
 * `stage` is the order's stage as dashboardStageSql (store/dashboard-stage.ts) names it.
 */
export const dashboardStageCounts = sqliteTable(
  'dashboard_stage_counts',
  {
    /** UTC day of shipping: floor(shipped_at / 86400000). */
    shipDay: integer('ship_day').notNull(),
    store: text('store').notNull(),
    carrier: text('carrier').notNull(),
    country: text('country').notNull(),
    stage: text('stage').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.shipDay, t.store, t.carrier, t.country, t.stage] })],
);

/**
 * Holds a row only inside the bulk import's own write transaction: while it
 * does, the orders insert trigger leaves the stage counts to the import, which
 * adds them per batch (store/order-batch.ts). No other connection ever sees
 * the row (SQLite has one writer, and the row is gone at commit).
 */
export const dashboardBulkImport = sqliteTable('dashboard_bulk_import', {
  id: integer('id').primaryKey(),
});

/** Delivered orders per store, lane and transit business days (Mon-Fri, UTC days), kept by triggers on orders. */
export const dashboardLaneTransit = sqliteTable(
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

/** Letters that reached sent, skipped or failed, per UTC day, store, milestone, status and reason; kept by triggers on sends. */
export const dashboardSendCounts = sqliteTable(
  'dashboard_send_counts',
  {
    day: integer('day').notNull(),
    store: text('store').notNull(),
    milestone: text('milestone').notNull(),
    status: text('status').notNull(),
    /** The skip reason; '' for sent and failed. */
    reason: text('reason').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.store, t.milestone, t.status, t.reason] })],
);

export const MAIL_EVENT_KINDS = ['delivered', 'bounced', 'complained', 'deferred'] as const;
export type MailEventKind = (typeof MAIL_EVENT_KINDS)[number];

/**
 * What happened to a message after (or instead of) acceptance: an email
 * service's webhook, a DSN from the bounce mailbox, a 4xx or a pacing deferral
 * (issue 22). One row per event, deduplicated per source.
 */
export const mailEvents = sqliteTable(
  'mail_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** `ses`, `postmark`, `resend`, `mailgun`, `dsn`, `smtp` (a 4xx), `pacing`. */
    source: text('source').notNull(),
    dedupKey: text('dedup_key').notNull(),
    kind: text('kind', { enum: MAIL_EVENT_KINDS }).notNull(),
    /** `hard` or `soft` for bounces; null otherwise. */
    bounceType: text('bounce_type'),
    email: text('email').notNull(),
    recipientDomain: text('recipient_domain').notNull(),
    store: text('store'),
    sendId: integer('send_id'),
    messageId: text('message_id'),
    detail: text('detail'),
    occurredAt: integer('occurred_at').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [
    uniqueIndex('mail_events_source_dedup_uq').on(t.source, t.dedupKey),
    index('mail_events_send_idx').on(t.sendId),
    index('mail_events_occurred_idx').on(t.occurredAt),
  ],
);
