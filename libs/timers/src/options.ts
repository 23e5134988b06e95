import { DossierService, ReferenceService } from '@motcua/application';
import { Queues } from '@motcua/platform';
import { ProjectionLogger } from '@motcua/projections';
import { EventStore } from '@motcua/event-store/port';
import { SqlDriver } from '@motcua/sql';
import { TimersConfig } from './config';

/** Where a poison dossier was met: the scheduling subscription, or the sweep (which also retries recorded ones). */
export type PoisonSource = 'subscription' | 'sweep';
/** Why a timer job was dropped without an alert. */
export type DroppedReason = 'unknown-dossier';

export interface DeadlineTimersOptions {
  store: EventStore;
  driver: SqlDriver;
  queues: Queues;
  reference: ReferenceService;
  dossiers: DossierService;
  config: TimersConfig;
  logger?: ProjectionLogger;
  /** Advisory-lock key of the scheduling subscription (one scheduler at a time). */
  leaseKey?: string;
  /** Checkpoint name of the scheduling subscription. Default `deadline-timers`. */
  checkpoint?: string;
  /** Run the timer worker here (default true); false: schedule only (benchmarks). */
  runWorker?: boolean;
  /** A timer appended its alert, `latenessSeconds` after its fire time (metrics). */
  onAlertRaised?: (kind: string, latenessSeconds: number) => void;
  /**
   * Identity of the event store these timers belong to (the database's random namespace): written
   * on every timer job; a job of another store (two deployments configured onto one queue) is put
   * back for its owner, never consumed. Undefined: jobs carry none and every job is taken.
   */
  storeId?: string;
  /** A dossier whose timers cannot be computed was recorded in `timer_poison` and skipped (metrics). */
  onPoison?: (source: PoisonSource) => void;
  /** A timer job was dropped without an alert (metrics). */
  onJobDropped?: (reason: DroppedReason) => void;
  /** A job of another event store was met and put back (metrics). */
  onForeignJob?: () => void;
}
