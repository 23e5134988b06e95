import { RecordedEvent } from '@motcua/event-store/port';
import { DossierView } from './view';

export interface CommandResult {
  view: DossierView;
  /** Events appended by this command (0 for a no-op such as a repeated reassignment). */
  appended: number;
  created?: boolean;
}

export interface HistoryEntry {
  type: string;
  version: number;
  occurredAt: string;
  recordedAt: string;
  /** Business time more than 5 minutes before the time it was recorded (back-office entry). */
  backdated: boolean;
  actor: RecordedEvent['metadata']['actor'];
  correlationId: string;
  data: unknown;
}
