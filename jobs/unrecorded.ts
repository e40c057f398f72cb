import type { Logger } from 'pino';
import { type SentFacts } from '../src/store/ledger.js';
import type { OpenLedger as Ledger } from '../src/store/ledger-api.js';

/**
 * Sends the SMTP server accepted but the ledger refused to record (disk
 * full, read-only file). They stay `sending` with their claim: never
 * released, never re-decided (that is how a full disk once turned sent
 * emails into "skipped superseded"), and recorded as sent as soon as the
 * ledger takes writes again. Only a process that dies before then leaves
 * them to the claim lease: the one documented duplicate window.
 */
export interface UnrecordedSends {
  add(id: number, facts: SentFacts, acceptedAt: number): void;
  /** Sends still waiting for their record. */
  pending(): number;
  stop(): void;
}

const RETRY_EVERY_MS = 2_000;
const perLedger = new WeakMap<Ledger, UnrecordedSends>();

/** This process's list for a ledger (one per database connection). */
export function unrecordedFor(ledger: Ledger, logger: Logger): UnrecordedSends {
  let list = perLedger.get(ledger);
  if (!list) {
    list = unrecordedSends(ledger, logger);
    perLedger.set(ledger, list);
  }
  return list;
}

export function unrecordedSends(ledger: Ledger, logger: Logger): UnrecordedSends {
  const waiting = new Map<number, { facts: SentFacts; acceptedAt: number }>();
  let timer: NodeJS.Timeout | null = null;
  const retry = async () => {
    for (const [id, { facts, acceptedAt }] of waiting) {
      try {
        await ledger.recordSent(id, facts, acceptedAt);
        waiting.delete(id);
        logger.warn({ sendId: id, messageId: facts.messageId }, 'sent message recorded after the database took writes again');
      } catch (err) {
        ledger.noteWriteFailure(err);
        return; // still refused: try again later
      }
    }
    if (waiting.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
  return {
    add(id, facts, acceptedAt) {
      waiting.set(id, { facts, acceptedAt });
      timer ??= setInterval(retry, RETRY_EVERY_MS);
      timer.unref();
    },
    pending: () => waiting.size,
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (waiting.size > 0) {
        logger.error({ sendIds: [...waiting.keys()] }, 'stopping with sent messages not recorded: their claims expire after the lease and they are sent again, with the same Message-ID');
      }
    },
  };
}
