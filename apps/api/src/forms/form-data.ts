/**
 * From a dossier's recorded events (with actors) and the reference data to the models of the
 * printable forms (libs/pdf). Pure functions: the controller loads, these map.
 *
 * Timing of a step on form 05 (Thông tư 01/2018 Chỉ số 1, as for the report): a step is compared
 * with the legal due time in force when it happened (from reception, or from the last supplement
 * receipt; an apology's re-appointed date does not change it, a late dossier stays late):
 * - **Trước hạn** (early): done on a local calendar day before the due day;
 * - **Đúng hạn** (on time): done on the due day, not after the due time;
 * - **Quá hạn** (late): done after the due time.
 * The unit's `timingMode: 'day'` policy (compare dates only) applies here too (for the resolution,
 * the policy frozen into the DossierResolved event, as in the report). Steps on the
 * citizen's side (handing in a supplement, withdrawing) are not counted against the due time ("—").
 * There is no "result returned" event: the return row is printed with blank times to be filled by
 * hand, and the tracking book's "returned" column shows the resolution time.
 */
import { ReferenceData, UnitRecord } from '@motcua/application';
import {
  ApologyIssued,
  DEFAULT_TIME_ZONE,
  DossierAssigned,
  DossierEvent,
  DossierReceived,
  DossierResolved,
  DossierWithdrawn,
  DossierPassedToSuccessor,
  DossierTransferred,
  TransferReturned,
  ExistingDossier,
  foldDossier,
  ProcessingTime,
  SupplementReceived,
  SupplementRequested,
  timingClass,
  toDossierEvent,
} from '@motcua/domain';
import {
  AgencyHeader,
  ApologyForm,
  ControlSheetForm,
  ControlSheetRow,
  ReceiptForm,
  StepTiming,
  TIMING_LABELS,
  TrackingBookForm,
  TrackingBookRow,
  viDate,
  viDateTime,
} from '@motcua/pdf';

/** One recorded event as `DossierService.history` gives it. */
export interface RecordedStep {
  type: string;
  occurredAt: string;
  actor?: { id: string; name?: string };
  data: unknown;
}

const ONE_STOP = 'Bộ phận Tiếp nhận và Trả kết quả';
const CITIZEN = 'Tổ chức, cá nhân';

const actorName = (s: RecordedStep) => s.actor?.name ?? s.actor?.id ?? '';
/** The timing policy frozen into the resolution (absent on older events: exact time), as the report uses it. */
const frozenMode = (r: DossierResolved['data']): 'exact' | 'day' => ((r as { timingMode?: 'day' }).timingMode === 'day' ? 'day' : 'exact');
const pad2 = (n: number) => String(n).padStart(2, '0');

export function processingTimeLabel(p: ProcessingTime): string {
  const unit = p.unit === 'working_day' ? 'ngày làm việc' : p.unit === 'half_day' ? 'buổi làm việc' : 'giờ làm việc';
  return `${pad2(p.amount)} ${unit}`;
}

/** The unit's place for the date line: the top of its tree (the province), else itself. */
function placeOf(ref: ReferenceData, unit: UnitRecord | undefined, unitCode: string): string {
  const ancestors = ref.ancestors(unitCode);
  const top = ancestors.length ? ref.units.get(ancestors[ancestors.length - 1]) : unit;
  return top?.name ?? unit?.name ?? unitCode;
}

interface UnitInfo {
  name: string;
  parentName?: string;
  place: string;
  timeZone: string;
  timingMode: 'exact' | 'day';
}

export function unitInfo(ref: ReferenceData, unitCode: string, fallbackZone?: string): UnitInfo {
  const unit = ref.units.get(unitCode);
  const parent = unit?.parentCode ? ref.units.get(unit.parentCode) : undefined;
  return {
    name: unit?.name ?? unitCode,
    parentName: parent?.name,
    place: placeOf(ref, unit, unitCode),
    timeZone: fallbackZone ?? unit?.timeZone ?? DEFAULT_TIME_ZONE,
    timingMode: unit?.timingMode ?? 'exact',
  };
}

/** The unit as issuing agency: its parent above it. */
export function agencyOf(u: UnitInfo): AgencyHeader {
  return { superior: u.parentName, name: u.name };
}

function procedureNameOf(ref: ReferenceData, d: DossierReceived['data']): string {
  return d.procedureName ?? ref.procedures.get(d.procedureCode)?.name ?? d.procedureCode;
}

/** The heading every per-dossier form issued by the unit shares (forms 04 and 05). */
function dossierHeading(ref: ReferenceData, d: DossierReceived['data'], u: UnitInfo) {
  return {
    timeZone: u.timeZone,
    place: u.place,
    agency: agencyOf(u),
    code: d.code,
    applicantName: d.applicant.name,
    procedureName: procedureNameOf(ref, d),
    receivedAt: d.receivedAt,
  };
}

/** The dossier state folded from the recorded steps. */
export function stateOf(steps: RecordedStep[]): ExistingDossier {
  return foldDossier(steps.map((s) => toDossierEvent(s))) as ExistingDossier;
}

function find<T extends DossierEvent['type']>(
  steps: RecordedStep[],
  type: T,
): (RecordedStep & { data: Extract<DossierEvent, { type: T }>['data'] }) | undefined {
  return steps.find((s) => s.type === type) as never;
}

export function receiptForm(ref: ReferenceData, steps: RecordedStep[]): ReceiptForm {
  const received = find(steps, 'DossierReceived')!;
  const d = received.data as DossierReceived['data'];
  const u = unitInfo(ref, d.unitCode, d.timeZone);
  const lastSupplement = [...steps].reverse().find((s) => s.type === 'SupplementReceived');
  const sup = lastSupplement?.data as SupplementReceived['data'] | undefined;
  return {
    timeZone: u.timeZone,
    place: u.place,
    agency: { superior: u.name, name: ONE_STOP },
    code: d.code,
    applicant: { ...d.applicant },
    procedureName: procedureNameOf(ref, d),
    processingTime: processingTimeLabel(d.processingTime),
    channel: d.channel,
    receivedAt: d.receivedAt,
    dueAt: d.dueAt,
    receivedBy: actorName(received),
    supplement: sup ? { receivedAt: sup.receivedAt, dueAt: sup.dueAt } : undefined,
  };
}

/** Form 04, or undefined when the dossier has no apology. */
export function apologyForm(ref: ReferenceData, steps: RecordedStep[]): ApologyForm | undefined {
  const apology = find(steps, 'ApologyIssued');
  if (!apology) return undefined;
  const a = apology.data as ApologyIssued['data'];
  const d = find(steps, 'DossierReceived')!.data as DossierReceived['data'];
  const u = unitInfo(ref, d.unitCode, d.timeZone);
  return {
    ...dossierHeading(ref, d, u),
    previousDueAt: a.previousDueAt,
    reason: a.reason,
    newDueAt: a.newDueAt,
    letterNumber: a.letterNumber,
    issuedAt: a.issuedAt,
    signedBy: actorName(apology),
  };
}

/** Form 05: one row per hand-off, in the order they happened. */
export function controlSheetForm(ref: ReferenceData, steps: RecordedStep[], printedAt: Date): ControlSheetForm {
  const received = find(steps, 'DossierReceived')!;
  const d = received.data as DossierReceived['data'];
  const u = unitInfo(ref, d.unitCode, d.timeZone);
  const state = stateOf(steps);
  const classify = (at: string, due: string, mode: 'exact' | 'day' = u.timingMode): StepTiming => timingClass(new Date(at), new Date(due), u.timeZone, mode);
  const oneStop = `${ONE_STOP} (${u.name})`;
  const clerk = actorName(received);
  let due = d.dueAt;
  let holder: { agency: string; person: string } | undefined;
  const rows: ControlSheetRow[] = [];
  // the competent (lead) agency: the receiving unit unless another one resolves (issue #16)
  let lead = d.competentUnitCode ? (ref.units.get(d.competentUnitCode)?.name ?? d.competentUnitCode) : u.name;

  for (const s of steps) {
    switch (s.type) {
      case 'DossierAssigned': {
        const a = s.data as DossierAssigned['data'];
        const next = { agency: a.department ?? u.name, person: a.assigneeName ?? a.assignee };
        rows.push(
          holder
            ? {
                step: 'Chuyển xử lý (phân công lại)',
                fromAgency: holder.agency,
                toAgency: next.agency,
                handedOverAt: a.assignedAt,
                takenAt: a.assignedAt,
                giver: holder.person,
                taker: next.person,
                timing: classify(a.assignedAt, due),
                note: `Phân công: ${actorName(s)}`,
              }
            : {
                step: 'Tiếp nhận, chuyển hồ sơ',
                fromAgency: oneStop,
                toAgency: next.agency,
                handedOverAt: d.receivedAt,
                takenAt: a.assignedAt,
                giver: clerk,
                taker: next.person,
                timing: classify(a.assignedAt, due),
                note: `Phân công: ${actorName(s)}`,
              },
        );
        holder = next;
        break;
      }
      case 'SupplementRequested': {
        const r = s.data as SupplementRequested['data'];
        rows.push({
          step: 'Yêu cầu bổ sung hồ sơ',
          fromAgency: holder?.agency ?? u.name,
          toAgency: CITIZEN,
          handedOverAt: r.requestedAt,
          takenAt: r.requestedAt,
          giver: actorName(s),
          taker: d.applicant.name,
          timing: classify(r.requestedAt, due),
          note: r.reason,
        });
        break;
      }
      case 'SupplementReceived': {
        const r = s.data as SupplementReceived['data'];
        due = r.dueAt;
        rows.push({
          step: 'Nhận hồ sơ bổ sung',
          fromAgency: CITIZEN,
          toAgency: oneStop,
          handedOverAt: r.receivedAt,
          takenAt: r.receivedAt,
          giver: d.applicant.name,
          taker: actorName(s),
          timing: null,
          note: `Thời hạn tính lại: ${viDateTime(r.dueAt, u.timeZone)}`,
        });
        break;
      }
      case 'ApologyIssued': {
        const a = s.data as ApologyIssued['data'];
        const number = a.letterNumber ? ` số ${a.letterNumber}` : '';
        rows.push({
          step: 'Xin lỗi, hẹn lại ngày trả kết quả',
          fromAgency: u.name,
          toAgency: CITIZEN,
          handedOverAt: a.issuedAt,
          takenAt: a.issuedAt,
          giver: actorName(s),
          taker: d.applicant.name,
          timing: classify(a.issuedAt, due),
          note: `Phiếu xin lỗi${number}; hẹn lại: ${viDateTime(a.newDueAt, u.timeZone)}`,
        });
        break;
      }
      case 'DossierResolved': {
        const r = s.data as DossierResolved['data'];
        rows.push({
          step: r.outcome === 'refused' ? 'Giải quyết xong (từ chối), chuyển kết quả' : 'Giải quyết xong, chuyển kết quả',
          fromAgency: holder?.agency ?? u.name,
          toAgency: oneStop,
          handedOverAt: r.resolvedAt,
          giver: actorName(s),
          timing: classify(r.resolvedAt, due, frozenMode(r)),
          note: r.note,
        });
        rows.push({ step: 'Trả kết quả cho tổ chức, cá nhân', fromAgency: oneStop, toAgency: CITIZEN, taker: d.applicant.name, timing: null });
        break;
      }
      case 'DossierWithdrawn': {
        const r = s.data as DossierWithdrawn['data'];
        rows.push({
          step: 'Rút hồ sơ',
          fromAgency: CITIZEN,
          toAgency: oneStop,
          handedOverAt: r.withdrawnAt,
          takenAt: r.withdrawnAt,
          giver: d.applicant.name,
          taker: actorName(s),
          timing: null,
          note: r.reason,
        });
        break;
      }
      case 'DossierTransferred': {
        // liên thông (issue #16): one row per hand-off, each agency judged against its own due time
        const t = s.data as DossierTransferred['data'];
        const agency = ref.units.get(t.toUnitCode)?.name ?? t.toUnitCode;
        const back = steps.find((x) => x.type === 'TransferReturned' && (x.data as TransferReturned['data']).transferId === t.transferId);
        const open = !back && printedAt.getTime() > Date.parse(t.dueAt) ? '; chưa trả, quá hạn' : !back ? '; chưa trả' : '';
        rows.push({
          step: `Chuyển liên thông: ${t.task}`,
          fromAgency: holder?.agency ?? lead,
          toAgency: agency,
          handedOverAt: t.transferredAt,
          takenAt: t.transferredAt,
          giver: actorName(s),
          timing: null,
          note: `Hạn xử lý của ${agency}: ${viDateTime(t.dueAt, t.timeZone)}${open}`,
        });
        break;
      }
      case 'TransferReturned': {
        const r = s.data as TransferReturned['data'];
        const t = steps.find((x) => x.type === 'DossierTransferred' && (x.data as DossierTransferred['data']).transferId === r.transferId)?.data as
          DossierTransferred['data'] | undefined;
        const agency = t ? (ref.units.get(t.toUnitCode)?.name ?? t.toUnitCode) : r.transferId;
        rows.push({
          step: `${r.outcome === 'refused' ? 'Trả lại (từ chối)' : 'Trả kết quả'} liên thông${t ? `: ${t.task}` : ''}`,
          fromAgency: agency,
          toAgency: holder?.agency ?? lead,
          handedOverAt: r.returnedAt,
          takenAt: r.returnedAt,
          giver: actorName(s),
          timing: r.timing,
          note: [t ? `Hạn xử lý: ${viDateTime(t.dueAt, t.timeZone)}` : undefined, r.note].filter(Boolean).join('; '),
        });
        break;
      }
      case 'DossierPassedToSuccessor': {
        const p = s.data as DossierPassedToSuccessor['data'];
        const to = ref.units.get(p.toUnitCode)?.name ?? p.toUnitCode;
        rows.push({
          step: 'Chuyển đơn vị kế thừa (sắp xếp đơn vị hành chính)',
          fromAgency: ref.units.get(p.fromUnitCode)?.name ?? p.fromUnitCode,
          toAgency: to,
          handedOverAt: p.passedAt,
          takenAt: p.passedAt,
          giver: actorName(s),
          timing: null,
          note: `Từ ngày ${p.effectiveDate}`,
        });
        lead = to;
        break;
      }
      default:
        break;
    }
  }
  return {
    ...dossierHeading(ref, d, u),
    dueAt: state.effectiveDueAt,
    resolvingAgency: holder?.agency ?? lead,
    rows,
    printedAt: printedAt.toISOString(),
  };
}

/** One line of the tracking book from a dossier's steps. */
export function trackingBookRow(steps: RecordedStep[], timeZone: string, timingMode: 'exact' | 'day'): TrackingBookRow {
  const d = find(steps, 'DossierReceived')!.data as DossierReceived['data'];
  const s = stateOf(steps);
  const first = find(steps, 'DossierAssigned')?.data as DossierAssigned['data'] | undefined;
  const notes: string[] = [];
  for (const round of s.supplements) {
    notes.push(round.dueAt ? `Bổ sung hồ sơ, hẹn lại ${viDate(round.dueAt, timeZone)}` : 'Chờ bổ sung hồ sơ');
  }
  if (s.apology) notes.push(`Xin lỗi${s.apology.letterNumber ? ` (${s.apology.letterNumber})` : ''}, hẹn lại ${viDate(s.apology.newDueAt, timeZone)}`);
  if (s.status === 'withdrawn') notes.push(`Rút hồ sơ: ${s.withdrawalReason}`);
  let result: string;
  if (s.status === 'resolved') {
    const resolved = find(steps, 'DossierResolved')?.data as DossierResolved['data'] | undefined;
    const t = timingClass(new Date(s.resolvedAt), new Date(s.dueAt), timeZone, resolved ? frozenMode(resolved) : timingMode);
    result = `${s.outcome === 'refused' ? 'Từ chối' : 'Đã giải quyết'} - ${TIMING_LABELS[t]}`;
  } else if (s.status === 'withdrawn') result = 'Đã rút';
  else if (s.status === 'awaiting-supplement') result = 'Chờ bổ sung';
  else result = 'Đang giải quyết';
  return {
    code: d.code,
    procedureName: d.procedureName ?? d.procedureCode,
    applicantName: d.applicant.name,
    addressPhone: [d.applicant.address, d.applicant.phone].filter(Boolean).join('; '),
    receivedAt: d.receivedAt,
    dueAt: d.dueAt,
    transferredTo: first ? (first.department ?? first.assigneeName ?? first.assignee) : undefined,
    transferredAt: first?.assignedAt,
    result,
    returnedAt: s.resolvedAt,
    notes: notes.join('; '),
  };
}

export function trackingBookForm(ref: ReferenceData, unitCode: string, year: number, dossiers: RecordedStep[][], printedAt: Date): TrackingBookForm {
  const u = unitInfo(ref, unitCode);
  return {
    timeZone: u.timeZone,
    place: u.place,
    agency: agencyOf(u),
    unitName: u.name,
    year,
    rows: dossiers.map((steps) => trackingBookRow(steps, u.timeZone, u.timingMode)),
    printedAt: printedAt.toISOString(),
  };
}
