import type { QueriesOf } from './ledger-api.js';
import type * as apiTokens from './api-tokens.js';
import type * as dashboard from './dashboard.js';
import type * as dashboardAttention from './dashboard-attention.js';
import type * as dashboardOrders from './dashboard-orders.js';
import type * as ledger from './ledger.js';
import type * as letters from './letters.js';
import type * as mailEvents from './mail-events.js';
import type * as meta from './meta.js';
import type * as orderBatch from './order-batch.js';
import type * as prune from './prune.js';
import type * as registrations from './registrations.js';
import type * as replies from './replies.js';
import type * as reports from './reports.js';
import type * as sendList from './send-list.js';
import type * as storeWebhooks from './store-webhooks.js';
import type * as tracking from './tracking.js';

type Names<M> = Record<keyof QueriesOf<M>, true>;
const n = <M>(names: Names<M>) => Object.keys(names);

/** Every query, by module: a name missing here, or one the module lacks, does not compile. */
export const QUERY_NAMES = [
  ...n<typeof ledger>({
    insertOrder: true, insertSend: true, getOrder: true, getSend: true, sendsOfOrder: true, sentMilestones: true,
    dueForPromotion: true, skipStale: true, markQueued: true, markScheduled: true, claimSend: true, recordSent: true,
    noteUnrecorded: true, releaseClaim: true, recordFailed: true, recordSkip: true, recordCancelled: true, reschedule: true,
    cancelOrder: true, isSuppressed: true, suppress: true, queuedSends: true, releaseExpiredClaims: true, ordersToWatch: true,
    delayNoticeTimes: true, setWatchAt: true, insertRuleSends: true, insertResend: true, insertRuleSend: true,
    cancelPending: true, setDisputedAt: true, releaseHeldReview: true,
  }),
  ...n<typeof tracking>({
    firstEventAt: true, eventsForOrder: true, recordTrackingEvent: true, recordTrackingEvents: true, unprocessedEvents: true,
    getTrackingEvent: true, markEventApplied: true, ordersWithTrackingNumber: true, unmatchedEventIds: true,
    unappliedEventIds: true, finishOrder: true, advanceOrderStage: true, noteOrderNews: true, noteOrderException: true,
  }),
  ...n<typeof registrations>({
    insertRegistrations: true, claimDue: true, dueRegistrations: true, markRegistered: true, markRejected: true,
    deferRegistrations: true, markPolled: true, notePush: true, requestStop: true, markStopped: true, makeDueNow: true,
    changeCarrier: true, registrationOf: true, registrationsOf: true, registrationsForNumbers: true, registrationCounts: true,
    isRegistered: true, registeredAmong: true, registrationsNeedingAttention: true, providerPause: true, pauseProvider: true,
    resumeProvider: true,
  }),
  ...n<typeof replies>({
    insertFeedback: true, latestFeedback: true, hasSend: true, lowRatings: true, openDisputeOf: true, disputeBySeq: true,
    latestDispute: true, insertDispute: true, closeDisputes: true, openNotReceivedDisputes: true, scansOfOrder: true,
  }),
  ...n<typeof mailEvents>({ recordMailEvents: true, mailOutcomes: true, suppressionOf: true, recordDeferral: true, deliverabilityHealth: true }),
  ...n<typeof meta>({ installationSecret: true, metaValue: true, setMetaValue: true }),
  ...n<typeof apiTokens>({ insertApiToken: true, apiTokenByHash: true, touchApiToken: true, revokeApiToken: true, listApiTokens: true }),
  ...n<typeof storeWebhooks>({ storeWebhookOnce: true, markStoreWebhookApplied: true, pendingStoreWebhooks: true }),
  ...n<typeof letters>({ lettersSentTo: true }),
  ...n<typeof prune>({ prunableOrders: true, pruneOrders: true }),
  ...n<typeof reports>({ activeOrdersShippedBy: true, deliveredParcels: true, laneOrderCounts: true, lastEvents: true, storeHasOrders: true, storesWithOrders: true }),
  ...n<typeof sendList>({ countSends: true, listSends: true, listSendsAfter: true }),
  ...n<typeof dashboard>({ stageCounts: true, laneStageCounts: true, laneTransit: true, letterCounts: true, filterChoices: true, suppressionsSince: true }),
  ...n<typeof dashboardOrders>({ findOrders: true, orderEvents: true, ordersInStage: true, sentPerDay: true }),
  ...n<typeof dashboardAttention>({ stalledOrders: true, waitingAtPostOffice: true, rejectedRegistrations: true, suppressedAddresses: true, heldReviews: true }),
  ...n<typeof orderBatch>({ numbersWithUnmatchedEvents: true }),
];

