import { ExistingDossier, isClockRunning, isOverdue, timingClass, TimingClass } from '@motcua/domain';

/** The dossier as the API shows it (`{id, code, status, version, dueAt, ...}`). */
export interface DossierView {
  id: string;
  code: string;
  status: ExistingDossier['status'];
  version: number;
  unitCode: string;
  procedureCode: string;
  procedureName?: string;
  field: string;
  channel: string;
  onlineLevel: string;
  applicant: ExistingDossier['applicant'];
  processingTime: ExistingDossier['processingTime'];
  receivedAt: string;
  /** Due time in force for the citizen: the re-appointed one after an apology, else the legal one. */
  dueAt: string;
  /** Legal due time (from reception or the last supplement); the report's timing uses it. */
  originalDueAt: string;
  appointedDueAt?: string;
  calendarVersion: string;
  assignee?: string;
  assigneeName?: string;
  department?: string;
  supplements: ExistingDossier['supplements'];
  apologies: NonNullable<ExistingDossier['apology']>[];
  outcome?: string;
  resolutionNote?: string;
  resolvedAt?: string;
  withdrawalReason?: string;
  withdrawnAt?: string;
  rating?: string;
  ratedAt?: string;
  alerts: ExistingDossier['alerts'];
  /** early / on-time / late once resolved; within-time / overdue while open (as of `asOf`/now). */
  timing: TimingClass | 'within-time' | 'overdue' | null;
  lastOccurredAt: string;
  /** The unit that resolves the dossier (issue #16); `unitCode` is the receiving centre. */
  competentUnitCode: string;
  /** Liên thông hand-offs, each with its own due time and, once returned, its timing. */
  transfers: TransferView[];
}

export interface TransferView {
  transferId: string;
  toUnitCode: string;
  task: string;
  processingTime?: ExistingDossier['processingTime'];
  transferredAt: string;
  dueAt: string;
  returnedAt?: string;
  outcome?: 'done' | 'refused';
  note?: string;
  /** early / on-time / late once returned; within-time / overdue while open. */
  timing: TimingClass | 'within-time' | 'overdue';
}

export function toView(s: ExistingDossier, now: Date, mode: 'exact' | 'day' = 'exact'): DossierView {
  let timing: DossierView['timing'] = null;
  if (s.status === 'resolved') timing = timingClass(new Date(s.resolvedAt), new Date(s.dueAt), s.timeZone, mode);
  else if (isClockRunning(s)) timing = isOverdue(now, new Date(s.dueAt)) ? 'overdue' : 'within-time';
  return {
    id: s.id,
    code: s.code,
    status: s.status,
    version: s.version,
    unitCode: s.unitCode,
    procedureCode: s.procedureCode,
    procedureName: s.procedureName,
    field: s.field,
    channel: s.channel,
    onlineLevel: s.onlineLevel,
    applicant: s.applicant,
    processingTime: s.processingTime,
    receivedAt: s.receivedAt,
    dueAt: s.effectiveDueAt,
    originalDueAt: s.dueAt,
    appointedDueAt: s.appointedDueAt,
    calendarVersion: s.calendarVersion,
    assignee: s.assignee,
    assigneeName: s.assigneeName,
    department: s.department,
    supplements: s.supplements,
    apologies: s.apology ? [s.apology] : [],
    outcome: s.outcome,
    resolutionNote: s.resolutionNote,
    resolvedAt: s.resolvedAt,
    withdrawalReason: s.withdrawalReason,
    withdrawnAt: s.withdrawnAt,
    rating: s.rating,
    ratedAt: s.ratedAt,
    alerts: s.alerts,
    timing,
    lastOccurredAt: s.lastOccurredAt,
    competentUnitCode: s.competentUnitCode,
    transfers: s.transfers.map((t) => ({
      transferId: t.transferId,
      toUnitCode: t.toUnitCode,
      task: t.task,
      ...(t.processingTime && { processingTime: t.processingTime }),
      transferredAt: t.transferredAt,
      dueAt: t.dueAt,
      ...(t.returnedAt !== undefined && { returnedAt: t.returnedAt, outcome: t.outcome }),
      ...(t.note !== undefined && { note: t.note }),
      timing: t.timing ?? (isOverdue(now, new Date(t.dueAt)) ? 'overdue' : 'within-time'),
    })),
  };
}
