/** The public types of a rebuild (see ./index.ts). */
import { EventStore } from '@motcua/event-store/port';
import { SqlDriver } from '@motcua/sql';
import { Projection, ProjectionLogger } from '../projection';

export type RebuildPhase = 'preparing' | 'replaying' | 'indexing' | 'catching-up' | 'swapping' | 'done';

export interface RebuildProgress {
  projection: string;
  phase: RebuildPhase;
  /** Events replayed into the shadow tables so far. */
  applied: number;
  /** Events to replay (matching the filter), counted at the start; grows if the log grows. */
  total: number;
  elapsedMs: number;
  /** `applied` over the replay time so far. */
  eventsPerSecond: number;
}

export interface RebuildResult {
  projection: string;
  /** Events replayed (= the live checkpoint's `eventsHandled` after the swap). */
  events: number;
  /** The position the read model is at after the swap. */
  position: string | undefined;
  ms: number;
  /** Replay rate, events/s over the whole rebuild (preparation, indexes and swap included). */
  eventsPerSecond: number;
  /** Swap transactions tried (more than 1: the live projection was ahead, PGlite). */
  swapAttempts: number;
}

export interface RebuildOptions {
  store: EventStore;
  /** Where the read model and checkpoints live. */
  driver: SqlDriver;
  projection: Projection;
  /** Events per read of the log during the replay. Default 2000. */
  batchSize?: number;
  /**
   * Events per replay transaction (consecutive read pages applied together; at least one page).
   * Default 10,000.
   */
  transactionEvents?: number;
  /**
   * A projection with an in-memory replay (dossier-summary): rows held in memory at most during a
   * catch-up (about 1.8 KB each); past it, the least recently touched are written out until half are
   * left. Default 50,000.
   */
  heldRows?: number;
  onProgress?: (p: RebuildProgress) => void;
  logger?: ProjectionLogger;
  /** Swap attempts before giving up (PGlite under a steady write load). Default 20. */
  maxSwapAttempts?: number;
  /** Aborting stops the rebuild at its next batch (the shadow tables are dropped). */
  signal?: AbortSignal;
  /**
   * `verify`: build the shadow tables the same way, then compare them with the live ones at the same
   * position instead of swapping, and drop them (the live tables are never touched).
   */
  mode?: 'swap' | 'verify';
  /** verify: rows listed per table and side at most. Default 50. */
  maxRowsShown?: number;
}

/** A difference between the live read model and a fresh rebuild of it. */
export interface TableDifference {
  table: string;
  /** Rows (as JSON) present in the live table and not in the rebuild. */
  onlyInLive: Record<string, unknown>[];
  /** Rows present in the rebuild and not in the live table. */
  onlyInRebuild: Record<string, unknown>[];
  /** Total counts (the lists may be cut at maxRowsShown). */
  liveCount: number;
  rebuildCount: number;
}

export interface VerifyResult {
  projection: string;
  ok: boolean;
  events: number;
  position: string | undefined;
  differences: TableDifference[];
}

export class RebuildInProgressError extends Error {
  constructor(readonly projection: string) {
    super(`a rebuild of projection ${projection} is already running`);
    this.name = 'RebuildInProgressError';
  }
}
