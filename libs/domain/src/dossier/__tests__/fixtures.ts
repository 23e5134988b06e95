/** Test data: one dossier received Monday 3 March 2025 09:00 (UTC+7), due Thursday 17:00. */
import type { AlertKind, Outcome, Rating } from '../../shared/types';
import type {
  AssignDossier,
  IssueApology,
  RaiseDeadlineAlert,
  RateSatisfaction,
  ReceiveDossier,
  ReceiveSupplement,
  RefuseAtReception,
  RequestSupplement,
  ResolveDossier,
  WithdrawDossier,
} from '../commands';
import { dossierDecider } from '../decider';
import type {
  ApologyIssued,
  DeadlineAlertEvent,
  DossierAssigned,
  DossierReceived,
  DossierRefusedAtReception,
  DossierResolved,
  DossierWithdrawn,
  SatisfactionRated,
  SupplementReceived,
  SupplementRequested,
} from '../events';
import { deciderSpec } from './decider-specification';

export const ID = '0b9b8c1e-4c59-4a8e-9d7f-3c1c1d1e2f30';
export const CODE = '000.00.27.H29-250303-0001';
export const UNIT = '000.00.27.H29';
export const RECEIVED_AT = '2025-03-03T02:00:00.000Z';
export const DUE_AT = '2025-03-06T10:00:00.000Z';
export const CALENDAR = 'vn-2025.1';
export const NOW = new Date('2025-03-20T03:00:00.000Z');

export const spec = deciderSpec(dossierDecider, NOW);
export const d = (iso: string) => new Date(iso);

/* ---------------- events ---------------- */

export const ev = {
  received: (over: Partial<DossierReceived['data']> = {}): DossierReceived => ({
    type: 'DossierReceived',
    data: {
      dossierId: ID,
      code: CODE,
      unitCode: UNIT,
      procedureCode: '1.001193',
      procedureName: 'Đăng ký khai sinh',
      field: 'Hộ tịch',
      channel: 'direct',
      onlineLevel: 'partial',
      applicant: { name: 'Nguyễn Văn A', idNumber: '079090001234', phone: '0909000111' },
      processingTime: { amount: 3, unit: 'working_day' },
      timeZone: 'Asia/Ho_Chi_Minh',
      receivedAt: RECEIVED_AT,
      dueAt: DUE_AT,
      calendarVersion: CALENDAR,
      ...over,
    },
  }),
  assigned: (assignee: string, assignedAt: string, extra: Partial<DossierAssigned['data']> = {}): DossierAssigned => ({
    type: 'DossierAssigned',
    data: { assignee, assignedAt, ...extra },
  }),
  supplementRequested: (
    requestedAt: string,
    reason = 'Thiếu bản sao giấy chứng sinh',
    extra: Partial<SupplementRequested['data']> = {},
  ): SupplementRequested => ({
    type: 'SupplementRequested',
    data: { reason, requestedAt, sequence: 1, ...extra },
  }),
  refused: (over: Partial<DossierRefusedAtReception['data']> = {}): DossierRefusedAtReception => ({
    type: 'DossierRefusedAtReception',
    data: {
      dossierId: ID,
      code: CODE,
      unitCode: UNIT,
      procedureCode: '1.001193',
      procedureName: 'Đăng ký khai sinh',
      field: 'Hộ tịch',
      channel: 'direct',
      onlineLevel: 'partial',
      applicant: { name: 'Nguyễn Văn A', idNumber: '079090001234', phone: '0909000111' },
      timeZone: 'Asia/Ho_Chi_Minh',
      refusedAt: RECEIVED_AT,
      reason: 'Hồ sơ không thuộc thẩm quyền',
      legalBasis: 'Khoản 2 Điều 18 Nghị định 61/2018/NĐ-CP',
      ...over,
    },
  }),
  supplementReceived: (receivedAt: string, dueAt: string, previousDueAt: string): SupplementReceived => ({
    type: 'SupplementReceived',
    data: { receivedAt, dueAt, calendarVersion: CALENDAR, previousDueAt },
  }),
  apologyIssued: (issuedAt: string, newDueAt: string, previousDueAt: string, extra: Partial<ApologyIssued['data']> = {}): ApologyIssued => ({
    type: 'ApologyIssued',
    data: { reason: 'Chờ xác minh của cơ quan khác', newDueAt, issuedAt, previousDueAt, ...extra },
  }),
  resolved: (resolvedAt: string, outcome: Outcome = 'approved'): DossierResolved => ({
    type: 'DossierResolved',
    data: { outcome, resolvedAt },
  }),
  withdrawn: (withdrawnAt: string, reason = 'Công dân rút hồ sơ'): DossierWithdrawn => ({
    type: 'DossierWithdrawn',
    data: { reason, withdrawnAt },
  }),
  rated: (ratedAt: string, rating: Rating = 'satisfied'): SatisfactionRated => ({
    type: 'SatisfactionRated',
    data: { rating, ratedAt },
  }),
  alert: (kind: AlertKind, dueAt: string, raisedAt: string, assignee?: string): DeadlineAlertEvent => {
    const data = { dueAt, raisedAt, unitCode: UNIT, ...(assignee !== undefined && { assignee }) };
    switch (kind) {
      case 'near-deadline':
        return { type: 'DeadlineWarningRaised', data: { kind, ...data } };
      case 'apology-cutoff':
        return { type: 'ApologyCutoffReached', data: { kind, ...data } };
      case 'overdue':
        return { type: 'DossierOverdue', data: { kind, ...data } };
    }
  },
};

/* ---------------- commands ---------------- */

export const cmd = {
  receive: (over: Partial<ReceiveDossier['data']> = {}): ReceiveDossier => ({
    type: 'ReceiveDossier',
    data: {
      dossierId: ID,
      occurredAt: d(RECEIVED_AT),
      code: CODE,
      unitCode: UNIT,
      procedureCode: '1.001193',
      procedureName: 'Đăng ký khai sinh',
      field: 'Hộ tịch',
      channel: 'direct',
      onlineLevel: 'partial',
      applicant: { name: 'Nguyễn Văn A', idNumber: '079090001234', phone: '0909000111' },
      processingTime: { amount: 3, unit: 'working_day' },
      timeZone: 'Asia/Ho_Chi_Minh',
      dueAt: d(DUE_AT),
      calendarVersion: CALENDAR,
      ...over,
    },
  }),
  assign: (assignee: string, occurredAt: string, extra: Partial<AssignDossier['data']> = {}): AssignDossier => ({
    type: 'AssignDossier',
    data: { dossierId: ID, occurredAt: d(occurredAt), assignee, ...extra },
  }),
  requestSupplement: (occurredAt: string, reason = 'Thiếu bản sao giấy chứng sinh', extra: Partial<RequestSupplement['data']> = {}): RequestSupplement => ({
    type: 'RequestSupplement',
    data: { dossierId: ID, occurredAt: d(occurredAt), reason, ...extra },
  }),
  refuse: (over: Partial<RefuseAtReception['data']> = {}): RefuseAtReception => ({
    type: 'RefuseAtReception',
    data: {
      dossierId: ID,
      occurredAt: d(RECEIVED_AT),
      code: CODE,
      unitCode: UNIT,
      procedureCode: '1.001193',
      procedureName: 'Đăng ký khai sinh',
      field: 'Hộ tịch',
      channel: 'direct',
      onlineLevel: 'partial',
      applicant: { name: 'Nguyễn Văn A', idNumber: '079090001234', phone: '0909000111' },
      timeZone: 'Asia/Ho_Chi_Minh',
      reason: 'Hồ sơ không thuộc thẩm quyền',
      legalBasis: 'Khoản 2 Điều 18 Nghị định 61/2018/NĐ-CP',
      ...over,
    },
  }),
  receiveSupplement: (occurredAt: string, newDueAt: string): ReceiveSupplement => ({
    type: 'ReceiveSupplement',
    data: { dossierId: ID, occurredAt: d(occurredAt), newDueAt: d(newDueAt), calendarVersion: CALENDAR },
  }),
  apologise: (occurredAt: string, newDueAt: string, extra: Partial<IssueApology['data']> = {}): IssueApology => ({
    type: 'IssueApology',
    data: { dossierId: ID, occurredAt: d(occurredAt), reason: 'Chờ xác minh của cơ quan khác', newDueAt: d(newDueAt), ...extra },
  }),
  resolve: (occurredAt: string, outcome: Outcome = 'approved', note?: string): ResolveDossier => ({
    type: 'ResolveDossier',
    data: { dossierId: ID, occurredAt: d(occurredAt), outcome, ...(note !== undefined && { note }) },
  }),
  withdraw: (occurredAt: string, reason = 'Công dân rút hồ sơ'): WithdrawDossier => ({
    type: 'WithdrawDossier',
    data: { dossierId: ID, occurredAt: d(occurredAt), reason },
  }),
  rate: (occurredAt: string, rating: Rating = 'satisfied'): RateSatisfaction => ({
    type: 'RateSatisfaction',
    data: { dossierId: ID, occurredAt: d(occurredAt), rating },
  }),
  alert: (kind: AlertKind, dueAt: string, occurredAt: string): RaiseDeadlineAlert => ({
    type: 'RaiseDeadlineAlert',
    data: { dossierId: ID, occurredAt: d(occurredAt), kind, dueAt: d(dueAt) },
  }),
};

/** Deliberately break a command's type for structural-validation tests. */
export function corrupt<C extends { type: string; data: object }>(command: C, patch: Record<string, unknown>): C {
  return { ...command, data: { ...command.data, ...patch } } as C;
}
