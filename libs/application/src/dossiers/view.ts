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
  /** The citizen's look-up PIN (staff see it to read it out again); absent on old dossiers. */
  lookupPin?: string;
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
    ...(s.lookupPin !== undefined ? { lookupPin: s.lookupPin } : {}),
  };
}
