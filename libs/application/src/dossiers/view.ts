import { ExistingDossier, isClockRunning, isOverdue, RefusedDossier, timingClass, TimingClass } from '@motcua/domain';

/** The dossier as the API shows it (`{id, code, status, version, dueAt, ...}`). */
export interface DossierView {
  id: string;
  code: string;
  status: ExistingDossier['status'] | RefusedDossier['status'];
  version: number;
  unitCode: string;
  procedureCode: string;
  procedureName?: string;
  field: string;
  channel: string;
  onlineLevel: string;
  applicant: ExistingDossier['applicant'];
  /** Absent on a dossier refused at reception (never received: no clock, no due time). */
  processingTime?: ExistingDossier['processingTime'];
  receivedAt?: string;
  /** Due time in force for the citizen: the re-appointed one after an apology, else the legal one. */
  dueAt?: string;
  /** Legal due time (from reception or the last supplement); the report's timing uses it. */
  originalDueAt?: string;
  appointedDueAt?: string;
  calendarVersion?: string;
  /** The campaign window whose shorter processing time applied at reception. */
  campaignId?: string;
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
  /** The result handed over (status `returned`): when, how, to whom. */
  returnedAt?: string;
  returnMethod?: string;
  returnRecipient?: ExistingDossier['returnRecipient'];
  returnNote?: string;
  /** Pauses of processing, oldest first (`resumedAt` absent while paused). */
  pauses: { kind: string; reason: string; pausedAt: string; resumedAt?: string; previousDueAt?: string; dueAt?: string; pausedWorkingMinutes?: number }[];
  rating?: string;
  ratedAt?: string;
  alerts: ExistingDossier['alerts'];
  /**
   * Every supplement request (form 02): its items, whether it came within 3 working days of
   * reception (`withinLegalTime`, absent for requests recorded before it was kept) and its
   * `sequence` (2+ = a second request, a breach of "một lần đầy đủ").
   */
  supplementRequests: SupplementRequestView[];
  /** True when a supplement request came late or was not the first: what a supervisor looks for. */
  supplementRequestFlagged: boolean;
  /** Refusal at reception (status `refused-at-reception`): when, why and on which legal basis. */
  refusedAt?: string;
  refusalReason?: string;
  legalBasis?: string;
  /** early / on-time / late once resolved; within-time / overdue while open (as of `asOf`/now). */
  timing: TimingClass | 'within-time' | 'overdue' | null;
  lastOccurredAt: string;
  /** The citizen's look-up PIN (staff see it to read it out again); absent on old dossiers. */
  lookupPin?: string;
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

export interface SupplementRequestView {
  reason: string;
  items: { name: string; note?: string }[];
  requestedAt: string;
  withinLegalTime?: boolean;
  sequence: number;
}

export function toView(s: ExistingDossier | RefusedDossier, now: Date, mode: 'exact' | 'day' = 'exact'): DossierView {
  if (s.status === 'refused-at-reception') return refusedView(s);
  const supplementRequests = s.supplements.map((r) => ({
    reason: r.reason,
    items: (r.items ?? []).map((i) => ({ ...i })),
    requestedAt: r.requestedAt,
    ...(r.withinLegalTime !== undefined && { withinLegalTime: r.withinLegalTime }),
    sequence: r.sequence,
  }));
  let timing: DossierView['timing'] = null;
  if (s.status === 'resolved' || s.status === 'returned') timing = timingClass(new Date(s.resolvedAt), new Date(s.dueAt), s.timeZone, mode);
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
    campaignId: s.campaignId,
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
    returnedAt: s.returnedAt,
    returnMethod: s.returnMethod,
    returnRecipient: s.returnRecipient,
    returnNote: s.returnNote,
    pauses: s.pauses.map((p) => ({ ...p })),
    rating: s.rating,
    ratedAt: s.ratedAt,
    alerts: s.alerts,
    supplementRequests,
    supplementRequestFlagged: supplementRequests.some((r) => r.withinLegalTime === false || r.sequence > 1),
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
    ...(s.lookupPin !== undefined ? { lookupPin: s.lookupPin } : {}),
  };
}

/** A dossier refused at reception: a code, the applicant, the reason; no clock. */
function refusedView(s: RefusedDossier): DossierView {
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
    supplements: [],
    apologies: [],
    pauses: [],
    competentUnitCode: s.competentUnitCode ?? s.unitCode,
    transfers: [],
    alerts: [],
    supplementRequests: [],
    supplementRequestFlagged: false,
    refusedAt: s.refusedAt,
    refusalReason: s.refusalReason,
    legalBasis: s.legalBasis,
    timing: null,
    lastOccurredAt: s.lastOccurredAt,
  };
}
