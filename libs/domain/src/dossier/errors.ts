/**
 * Typed rule violations. `code` is stable (clients and the problem+json `type` rely on it);
 * `message` is plain English a clerk can act on; `details` carries the facts for the problem body.
 */
import { outOfRangeMessage, SUPPORTED_DATES } from '../calendar/range';
import type { DossierStatus } from '../shared/types';

export type DomainErrorCode =
  | 'dossier-not-found'
  | 'dossier-already-exists'
  | 'dossier-closed'
  | 'invalid-transition'
  | 'apology-already-issued'
  | 'invalid-new-due-at'
  | 'occurred-in-future'
  | 'occurred-before-previous-event'
  | 'already-rated'
  | 'date-out-of-range'
  | 'invalid-command'
  | 'nothing-to-undo'
  | 'unknown-transfer'
  | 'transfer-already-returned';

export type DomainErrorDetails = Readonly<Record<string, string | number | undefined>>;

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  constructor(
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class DossierNotFound extends DomainError {
  readonly code = 'dossier-not-found';
  constructor(readonly dossierId: string) {
    super(`Dossier ${dossierId} does not exist. Check the dossier id, or receive the dossier first.`, { dossierId });
  }
}

export class DossierAlreadyExists extends DomainError {
  readonly code = 'dossier-already-exists';
  constructor(
    readonly dossierId: string,
    readonly dossierCode: string,
  ) {
    super(`Dossier ${dossierId} (code ${dossierCode}) has already been received; it cannot be received again.`, {
      dossierId,
      dossierCode,
    });
  }
}

export class DossierClosed extends DomainError {
  readonly code = 'dossier-closed';
  constructor(
    readonly dossierCode: string,
    readonly status: 'resolved' | 'withdrawn' | 'returned' | 'refused-at-reception',
    readonly attempted: string,
  ) {
    super(
      status === 'refused-at-reception'
        ? `Dossier ${dossierCode} was refused at reception; it was never received and takes no further step (attempted: ${attempted}). ` +
            `Receive a new dossier if the citizen comes back with a complete one.`
        : `Dossier ${dossierCode} is already ${status}; it can no longer be changed (attempted: ${attempted}). ` +
            `Corrections to a closed dossier are not possible; only a satisfaction rating can still be recorded.`,
      { dossierCode, status, attempted },
    );
  }
}

export class InvalidTransition extends DomainError {
  readonly code = 'invalid-transition';
  constructor(
    readonly dossierCode: string,
    readonly status: DossierStatus,
    readonly attempted: string,
    hint: string,
  ) {
    super(`Cannot ${attempted} dossier ${dossierCode} while it is ${status}. ${hint}`, { dossierCode, status, attempted });
  }
}

export class ApologyAlreadyIssued extends DomainError {
  readonly code = 'apology-already-issued';
  constructor(
    readonly dossierCode: string,
    readonly issuedAt: string,
    readonly appointedDueAt: string,
  ) {
    super(
      `Dossier ${dossierCode} already received an apology and re-appointment on ${issuedAt} ` +
        `(new return time ${appointedDueAt}). A dossier may be re-appointed only once (Nghị định 61/2018 Art. 19.9).`,
      { dossierCode, issuedAt, appointedDueAt },
    );
  }
}

export class InvalidNewDueAt extends DomainError {
  readonly code = 'invalid-new-due-at';
  constructor(
    readonly newDueAt: string,
    readonly mustBeAfter: string,
    reason: string,
  ) {
    super(`The new return time ${newDueAt} (newDueAt) must be after ${mustBeAfter} (${reason}). Choose a later time.`, {
      newDueAt,
      mustBeAfter,
    });
  }
}

export class OccurredInFuture extends DomainError {
  readonly code = 'occurred-in-future';
  constructor(
    readonly occurredAt: string,
    readonly now: string,
  ) {
    super(`The time of the action (occurredAt ${occurredAt}) is in the future (now is ${now}). Enter the time it actually happened.`, {
      occurredAt,
      now,
    });
  }
}

export class OccurredBeforePreviousEvent extends DomainError {
  readonly code = 'occurred-before-previous-event';
  constructor(
    readonly occurredAt: string,
    readonly lastOccurredAt: string,
  ) {
    super(
      `The time of the action (occurredAt ${occurredAt}) is before the dossier's last recorded step (${lastOccurredAt}). ` +
        `Steps must be entered in the order they happened; enter a time at or after ${lastOccurredAt}.`,
      { occurredAt, lastOccurredAt },
    );
  }
}

export class AlreadyRated extends DomainError {
  readonly code = 'already-rated';
  constructor(
    readonly dossierCode: string,
    readonly rating: string,
    readonly ratedAt: string,
  ) {
    super(`Dossier ${dossierCode} was already rated "${rating}" on ${ratedAt}; a dossier can be rated only once.`, {
      dossierCode,
      rating,
      ratedAt,
    });
  }
}

/** A date (given, or computed from one: a due time) the working calendar cannot compute. */
export class DateOutOfRange extends DomainError {
  readonly code = 'date-out-of-range';
  constructor(
    readonly field: string,
    readonly value: string,
    message = outOfRangeMessage(field, value),
  ) {
    super(`${message}.`, { field, value, supportedFrom: SUPPORTED_DATES.first, supportedTo: SUPPORTED_DATES.last });
  }
}

export class InvalidCommand extends DomainError {
  readonly code = 'invalid-command';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`Invalid ${field}: ${problem}.`, { field, problem });
  }
}

/** A transfer id the dossier does not have (or, for a new transfer, one it already has). */
export class UnknownTransfer extends DomainError {
  readonly code = 'unknown-transfer';
  constructor(
    readonly dossierCode: string,
    readonly transferId: string,
    message = `Dossier ${dossierCode} has no transfer ${transferId}`,
  ) {
    super(`${message}.`, { dossierCode, transferId });
  }
}

export class TransferAlreadyReturned extends DomainError {
  readonly code = 'transfer-already-returned';
  constructor(
    readonly dossierCode: string,
    readonly transferId: string,
    readonly returnedAt: string,
  ) {
    super(`Transfer ${transferId} of dossier ${dossierCode} was already returned at ${returnedAt}.`, { dossierCode, transferId, returnedAt });
  }
}

/**
 * Not a rule violation but a broken stream (a bug or a tampered store): the events cannot be
 * replayed. Deliberately not a DomainError: it must surface as a server error, not a 4xx.
 */
export class CorruptDossierStream extends Error {
  constructor(
    readonly eventType: string,
    readonly position: number,
    reason: string,
  ) {
    super(`Corrupt dossier stream: ${eventType} at position ${position}: ${reason}.`);
    this.name = 'CorruptDossierStream';
  }
}

/** A correction names a step the dossier has no record of to undo (issue #14). */
export class NothingToUndo extends DomainError {
  readonly code = 'nothing-to-undo';
  constructor(
    readonly dossierCode: string,
    readonly undo: string,
    readonly status: DossierStatus,
    hint: string,
  ) {
    super(`Dossier ${dossierCode} (${status}) has no "${undo}" step to undo. ${hint}`, { dossierCode, undo, status });
  }
}
