import { randomUUID } from 'node:crypto';
import {
  DOSSIER_EVENT_SCHEMA_VERSIONS,
  DossierEvent,
  dossierStreamName,
  DossierState,
  foldDossier,
  isDeadlineAlertEvent,
  toDossierEvent,
} from '@motcua/domain';
import { EventStore, EventToAppend, RecordedEvent, StreamAppend, UnitOfWork } from '@motcua/event-store/port';
import { CommandContext } from '../context';
import { eventMetadata } from '../event-metadata';

/**
 * The dossiers' streams in the event store (the use cases' port): read a dossier and fold it,
 * append its events with their metadata. Framework-free; built over the store or over a unit of
 * work (bulk import).
 */
export class DossierRepository {
  constructor(readonly store: EventStore) {}

  async load(id: string): Promise<{ state: DossierState; events: RecordedEvent[] }> {
    const events = await this.store.readStream(dossierStreamName(id));
    return { state: foldDossier(events.map(toDomain)), events };
  }

  /** The states of many dossiers, in one round trip when the store can (absent ids: status `none`). */
  async loadStates(ids: readonly string[]): Promise<Map<string, DossierState>> {
    const out = new Map<string, DossierState>();
    if (this.store.readStreams) {
      const streams = await this.store.readStreams(ids.map(dossierStreamName));
      for (const id of ids) out.set(id, foldDossier((streams.get(dossierStreamName(id)) ?? []).map(toDomain)));
    } else {
      for (const id of ids) out.set(id, (await this.load(id)).state);
    }
    return out;
  }

  async append(id: string, events: DossierEvent[], expected: bigint | 'no-stream', ctx: CommandContext): Promise<void> {
    await this.store.append(dossierStreamName(id), toAppend(events, ctx), { expectedRevision: expected });
  }

  /** The dossier's new stream as one part of a multi-stream append. */
  newStream(id: string, events: DossierEvent[], ctx: CommandContext): StreamAppend {
    return { stream: dossierStreamName(id), events: toAppend(events, ctx), expectedRevision: 'no-stream' };
  }

  /** A repository writing into a unit of work over this store, or undefined if the store cannot commit one atomically. */
  unitOfWork(): { repository: DossierRepository; uow: UnitOfWork } | undefined {
    if (!UnitOfWork.supportedBy(this.store)) return undefined;
    const uow = new UnitOfWork(this.store);
    return { repository: new DossierRepository(uow), uow };
  }
}

/** A stored event as the dossier's domain event (checked, upcast). */
export function toDomain(e: RecordedEvent): DossierEvent {
  return toDossierEvent(e);
}

function toAppend(events: DossierEvent[], ctx: CommandContext): EventToAppend[] {
  return events.map((e) => ({
    id: randomUUID(),
    type: e.type,
    data: e.data,
    // alerts are system observations stamped with `now`; steps carry their business time
    metadata: eventMetadata(ctx, {
      occurredAt: isDeadlineAlertEvent(e) || e.type === 'TransferAlertRaised' ? ctx.now : (ctx.occurredAt ?? ctx.now),
      schemaVersion: DOSSIER_EVENT_SCHEMA_VERSIONS[e.type],
      idempotencyKey: ctx.idempotencyKey,
    }),
  }));
}
