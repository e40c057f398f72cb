/**
 * JSON schemas of the API's routes. They document (the OpenAPI document is
 * generated from them by @fastify/swagger); validation is the same code the
 * CLI runs (validateOrder, parseFilter), so every problem comes back at once
 * with its path and our wording, not ajv's.
 */
const text = { type: 'string' } as const;
const nullableText = { type: 'string', nullable: true } as const;

export const orderInput = {
  type: 'object',
  description: 'One shipped order, the shape `postship enqueue --json` takes.',
  required: ['orderId', 'buyer', 'country', 'carrier', 'trackingNumber'],
  properties: {
    orderId: { oneOf: [text, { type: 'number' }], description: 'your order id, 1-128 printable characters; unique across stores' },
    store: { type: 'string', description: 'store id from the config file (default "default")' },
    buyer: {
      type: 'object',
      properties: {
        name: text,
        email: { type: 'string', description: "the buyer's email address; absent with channelId: the store's webhook channel carries the messages" },
        channelId: { type: 'string', description: "the buyer's id on the seller's own messaging (webhook channel)" },
        locale: { type: 'string', description: 'BCP 47, default: the country\'s' },
        timezone: { type: 'string', description: 'IANA zone, default: the country\'s' },
      },
    },
    country: { type: 'string', description: 'ISO 3166-1 alpha-2 destination, e.g. "BR"' },
    carrier: { type: 'string', description: 'carrier code or alias, e.g. "cainiao"' },
    trackingNumber: { oneOf: [text, { type: 'number' }] },
    shippedAt: { type: 'string', format: 'date-time', description: 'when the parcel left (default: now)' },
  },
} as const;

const sendEntered = {
  type: 'object',
  properties: {
    sendId: { type: 'integer' },
    milestone: text,
    status: text,
    reason: nullableText,
    dueLocal: text,
    dueUtc: { type: 'string', format: 'date-time' },
  },
} as const;

const enteredOrder = {
  type: 'object',
  properties: { orderId: text, created: { type: 'boolean' }, buyerTimezone: text, sends: { type: 'array', items: sendEntered } },
} as const;

export const problemSchema = {
  type: 'object',
  properties: { error: text, message: text, problems: { type: 'array', items: text } },
} as const;

/** An order accepted although its tracking number fits no format of its carrier. */
const entryWarnings = {
  type: 'array',
  description: 'orders accepted with a warning: the tracking number fits no known format of its carrier (a typo, or another carrier: see likelyCarrier)',
  items: {
    type: 'object',
    properties: {
      code: { type: 'string', enum: ['tracking_number_format'] },
      path: { ...text, description: 'where in the request, e.g. "[3].trackingNumber"' },
      orderId: text,
      carrier: text,
      trackingNumber: text,
      likelyCarrier: { ...nullableText, description: 'the carrier whose format the number fits, or null' },
      message: text,
    },
  },
} as const;

export const enteredSchema = {
  type: 'object',
  properties: {
    orders: { type: 'array', items: enteredOrder },
    warnings: entryWarnings,
    queued: { type: 'integer', nullable: true, description: 'sends put into Redis now; null when Redis was unavailable (the daemon queues them later)' },
  },
} as const;

export const enteredWithProblems = {
  type: 'object',
  description: 'Some orders are invalid: nothing was written for them; the valid ones were entered and are listed in `orders`.',
  properties: { ...problemSchema.properties, orders: { type: 'array', items: enteredOrder }, warnings: entryWarnings },
} as const;

export const orderIdParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'the order id' } } } as const;

export const statusSchema = {
  type: 'object',
  description: 'The same JSON as `postship status --json`.',
  properties: {
    order: { type: 'object', additionalProperties: true },
    timeline: { type: 'array', items: { type: 'object', additionalProperties: true } },
    trackingEvents: { type: 'array', items: { type: 'object', additionalProperties: true } },
    tracking: { type: 'object', additionalProperties: true },
  },
} as const;

export const cancelBody = {
  type: 'object',
  required: ['reason'],
  properties: { reason: { type: 'string', enum: ['refund', 'dispute', 'cancelled', 'other'] } },
} as const;

export const cancelSchema = {
  type: 'object',
  properties: {
    orderId: text,
    reason: text,
    cancelled: { type: 'array', items: { type: 'object', properties: { sendId: { type: 'integer' }, milestone: nullableText } } },
    jobsRemoved: { type: 'integer' },
  },
} as const;

export const disputeBody = {
  type: 'object',
  required: ['open'],
  properties: {
    open: { type: 'boolean', description: 'true: the buyer opened a dispute; false: it is closed' },
    reason: { type: 'string', enum: ['not_received', 'not_as_described', 'other'], description: 'with open: true (default other)' },
  },
} as const;

export const disputeSchema = {
  type: 'object',
  properties: {
    orderId: text,
    open: { type: 'boolean' },
    reason: text,
    seq: { type: 'integer' },
    alreadyOpen: { type: 'boolean' },
    replySendId: { type: 'integer', nullable: true },
    released: { type: 'integer' },
    repliesCancelled: { type: 'integer' },
  },
} as const;

export const feedbackBody = {
  type: 'object',
  required: ['rating'],
  properties: {
    rating: { type: 'integer', minimum: 1, maximum: 5, description: "the buyer's rating, 1 to 5" },
    text: { type: 'string', maxLength: 5000, description: "the buyer's comment, if any" },
  },
} as const;

export const feedbackSchema = {
  type: 'object',
  properties: {
    orderId: text,
    feedbackId: { type: 'integer' },
    rating: { type: 'integer' },
    outcome: text,
    thanksSendId: { type: 'integer', nullable: true },
  },
} as const;

const list = (what: string) => ({ type: 'string', description: `${what} (comma-separated)` }) as const;

export const sendsQuery = {
  type: 'object',
  properties: {
    status: list('scheduled, queued, sending, sent, skipped, cancelled, failed'),
    milestone: list('milestones'),
    carrier: list('carrier codes'),
    country: list('ISO 3166-1 alpha-2 codes'),
    store: list('store ids'),
    since: { type: 'string', description: 'due at or after (ISO-8601, UTC)' },
    until: { type: 'string', description: 'due before (ISO-8601; a bare date includes that day)' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', description: 'nextCursor of the previous page' },
  },
} as const;

export const sendsSchema = {
  type: 'object',
  properties: {
    rows: { type: 'array', items: { type: 'object', additionalProperties: true, description: 'a send as `postship list --json` shows it' } },
    nextCursor: { type: 'string', nullable: true, description: 'pass as cursor for the next page; null on the last' },
  },
} as const;

export const errors = {
  401: { description: 'no valid bearer token', ...problemSchema },
  403: { description: 'the token is for another store', ...problemSchema },
  429: { description: 'too many failed authentications from this address', ...problemSchema },
} as const;
