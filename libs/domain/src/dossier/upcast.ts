/**
 * Stored event → dossier event, through one checked door. Events are never edited: when a payload
 * changes shape its type gets a new schema version (events.ts) and an upcaster here that lifts the
 * old payload one version up. Every reader of dossier streams (the repository, the projections, the
 * report replay, the forms) goes through `toDossierEvent`, so no reader casts stored data blindly.
 */
import { DOSSIER_EVENT_SCHEMA_VERSIONS, isDossierEventType, type DossierEvent, type DossierEventType } from './events';

/** What a store hands back, as far as the domain cares (structurally a RecordedEvent). */
export interface StoredEventLike {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: { readonly schemaVersion?: unknown };
}

/** Lifts the payload of `type` from schema version `fromVersion` to `fromVersion + 1`. */
export interface DossierUpcaster {
  readonly type: DossierEventType;
  readonly fromVersion: number;
  upcast(data: unknown): unknown;
}

export type DossierUpcasterRegistry = readonly DossierUpcaster[];

/** The upcasters in force. Empty: every dossier event type is still at schema version 1. */
export const DOSSIER_UPCASTERS: DossierUpcasterRegistry = Object.freeze([]);

/**
 * A stored event that cannot be read as a dossier event: not a dossier event type, a schema version
 * this code does not know (newer than the current one, or no upcaster for a step), or no payload.
 * Like CorruptDossierStream, a server error (a bug, a rollback past a schema change), never a 4xx.
 */
export class UnreadableDossierEvent extends Error {
  constructor(
    readonly eventType: string,
    readonly schemaVersion: unknown,
    reason: string,
  ) {
    super(`Unreadable dossier event ${eventType} (schema version ${String(schemaVersion)}): ${reason}.`);
    this.name = 'UnreadableDossierEvent';
  }
}

export interface ToDossierEventOptions {
  /** Default DOSSIER_UPCASTERS. */
  upcasters?: DossierUpcasterRegistry;
  /** Current schema version per type; default DOSSIER_EVENT_SCHEMA_VERSIONS (tests bump it). */
  currentVersions?: Readonly<Record<DossierEventType, number>>;
}

/**
 * The dossier event a stored event records: checks the type, then applies the upcasters from the
 * stored schema version (metadata.schemaVersion; 1 when absent) up to the current one.
 */
export function toDossierEvent(stored: StoredEventLike, options: ToDossierEventOptions = {}): DossierEvent {
  const upcasters = options.upcasters ?? DOSSIER_UPCASTERS;
  const versions = options.currentVersions ?? DOSSIER_EVENT_SCHEMA_VERSIONS;
  const { type } = stored;
  if (!isDossierEventType(type)) throw new UnreadableDossierEvent(String(type), stored.metadata?.schemaVersion, 'not a dossier event type');
  const declared = stored.metadata?.schemaVersion ?? 1;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) {
    throw new UnreadableDossierEvent(type, declared, 'the schema version must be a whole number from 1');
  }
  const current = versions[type];
  if (declared > current) throw new UnreadableDossierEvent(type, declared, `this code reads up to version ${current}`);
  let data = stored.data;
  for (let v = declared; v < current; v++) {
    const step = upcasters.find((u) => u.type === type && u.fromVersion === v);
    if (!step) throw new UnreadableDossierEvent(type, declared, `no upcaster from version ${v} to ${v + 1}`);
    data = step.upcast(data);
  }
  if (data === null || typeof data !== 'object') throw new UnreadableDossierEvent(type, declared, 'the payload is not an object');
  // checked: a dossier event type whose payload is at the current schema version
  return { type, data } as DossierEvent;
}
