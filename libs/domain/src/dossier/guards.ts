/** Small reusable checks for the command handlers. Each throws a typed DomainError. */
import type { DossierCommand } from './commands';
import { isSupportedInstant } from '../calendar/range';
import { DateOutOfRange, DossierClosed, DossierNotFound, InvalidCommand, InvalidTransition, OccurredBeforePreviousEvent, OccurredInFuture } from './errors';
import { isOpenDossier, type DossierState, type ExistingDossier, type OpenDossier, type OpenDossierStatus } from './state';

/* ---------- structural input checks (InvalidCommand) ---------- */

export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidCommand(field, 'must be a non-empty text');
  return value;
}

export function optionalText(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : requireText(value, field);
}

export function requireDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new InvalidCommand(field, 'must be a valid date-time');
  return value;
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidCommand(field, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
  return value as T;
}

/** Zones already found valid (building an Intl.DateTimeFormat to check one is slow: ~50 µs). */
const knownZones = new Set<string>();

export function requireTimeZone(value: unknown, field: string): string {
  const zone = requireText(value, field);
  if (knownZones.has(zone)) return zone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new InvalidCommand(field, `"${zone}" is not an IANA time zone (e.g. Asia/Ho_Chi_Minh)`);
  }
  if (knownZones.size < 1_000) knownZones.add(zone);
  return zone;
}

/** Checks what every command has: a dossier id and a valid business time. */
export function requireEnvelope(command: DossierCommand): { dossierId: string; occurredAt: Date } {
  return {
    dossierId: requireText(command.data.dossierId, 'dossierId'),
    occurredAt: requireDate(command.data.occurredAt, 'occurredAt'),
  };
}

export function requireValidNow(now: Date): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('decide(): `now` must be a valid Date');
}

/* ---------- state checks ---------- */

export function requireExisting(state: DossierState, dossierId: string): ExistingDossier {
  if (state.status === 'none') throw new DossierNotFound(dossierId);
  if (state.status === 'refused-at-reception') throw new DossierClosed(state.code, state.status, 'change');
  if (state.id !== dossierId) {
    throw new InvalidCommand('dossierId', `the command names dossier ${dossierId} but was applied to dossier ${state.id}`);
  }
  return state;
}

/** The dossier must be open (not resolved or withdrawn). */
export function requireOpen(state: ExistingDossier, attempted: string): OpenDossier {
  if (!isOpenDossier(state)) throw new DossierClosed(state.code, state.status, attempted);
  return state;
}

/** The dossier must be open and in one of `allowed`. */
export function requireStatus(state: ExistingDossier, allowed: readonly OpenDossierStatus[], attempted: string, hint: string): OpenDossier {
  const open = requireOpen(state, attempted);
  if (!allowed.includes(open.status)) throw new InvalidTransition(open.code, open.status, attempted, hint);
  return open;
}

/**
 * Not while paused (issue #14): a resolve, an apology or a supplement request waits for the resume,
 * which records when the pause ended (and so how far the due time moves).
 */
export function requireNotPaused(state: ExistingDossier, attempted: string): void {
  if (state.status === 'paused') {
    throw new InvalidTransition(state.code, state.status, attempted, 'Its processing is paused: resume it first (the resume moves the due time).');
  }
}

/* ---------- business-time checks ---------- */

export function requireNotInFuture(occurredAt: Date, now: Date): void {
  if (occurredAt.getTime() > now.getTime()) throw new OccurredInFuture(occurredAt.toISOString(), now.toISOString());
}

/** A date inside what the working calendar can compute (see calendar/range). */
export function requireSupportedInstant(value: Date, field: string): void {
  if (!isSupportedInstant(value)) throw new DateOutOfRange(field, value.toISOString());
}

/**
 * Not in the future, and not before the dossier's last step (equal is allowed). Deadline alerts
 * are not steps: they neither block a backdated step nor are blocked by each other.
 */
export function requireInOrder(occurredAt: Date, now: Date, state: ExistingDossier): void {
  requireNotInFuture(occurredAt, now);
  requireSupportedInstant(occurredAt, 'occurredAt');
  const previous = state.lastStepOccurredAt;
  if (occurredAt.getTime() < Date.parse(previous)) throw new OccurredBeforePreviousEvent(occurredAt.toISOString(), previous);
}
