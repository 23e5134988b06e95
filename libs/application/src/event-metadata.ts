/**
 * Event metadata (`{actor, correlationId, causationId, occurredAt, schemaVersion}`), built in one
 * place for every event the application writes: dossier steps, code allocations, reference data,
 * audit anchors.
 */
import type { EventMetadata } from '@motcua/event-store/port';

export interface MetadataActor {
  id: string;
  name?: string;
  roles?: readonly string[];
}

/** Who and why: a CommandContext fits as is. */
export interface MetadataCause {
  actor: MetadataActor;
  correlationId: string;
  causationId: string;
}

export interface MetadataFacts {
  /** Business time of the event. */
  occurredAt: Date | string;
  /** Current schema version of the event's `data` for its type. */
  schemaVersion: number;
  /** The client's Idempotency-Key, recorded on the events it produced. */
  idempotencyKey?: string;
}

export function eventMetadata(cause: MetadataCause, facts: MetadataFacts): EventMetadata {
  const { id, name, roles } = cause.actor;
  return {
    actor: { id, ...(name !== undefined && { name }), ...(roles !== undefined && { roles: [...roles] }) },
    correlationId: cause.correlationId,
    causationId: cause.causationId,
    occurredAt: typeof facts.occurredAt === 'string' ? facts.occurredAt : facts.occurredAt.toISOString(),
    schemaVersion: facts.schemaVersion,
    ...(facts.idempotencyKey ? { idempotencyKey: facts.idempotencyKey } : {}),
  };
}
