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
 *
 * Numbers and titles follow the dossier's form set (issue #14, libs/domain/src/rules): Thông tư
 * 01/2018 for a dossier of rule set '2018', Thông tư 03/2025 for a '2025' one (from
 * TT03_2025_FORMS_FROM). The return of the result (the control sheet's last row, the tracking book's
 * "Trả kết quả" column) is the real return (event `ResultReturned`: time, recipient), never the
 * resolution; until the result is returned those cells stay blank (filled by hand on paper).
 */
import { ReferenceData, UnitRecord } from '@motcua/application';
import {
  ApologyIssued,
  DEFAULT_RULE_SET_SWITCHES,
  DEFAULT_TIME_ZONE,
  DossierAssigned,
  DossierEvent,
  DossierReceived,
  DossierRefusedAtReception,
  DossierResolved,
  DossierWithdrawn,
  DossierPassedToSuccessor,
  DossierTransferred,
  TransferReturned,
  ExistingDossier,
  foldDossier,
  isDossierEventType,
  FORM_TEMPLATES,
  FormKind,
  FormSetId,
  formSetOf,
  FormTemplate,
  localDateOf,
  ProcessingTime,
  ResultReturned,
  RULE_SETS,
  RuleSetId,
  ruleSetOfReception,
  RuleSetSwitches,
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
  RefusalForm,
  StepTiming,
  StopNoticeForm,
  SupplementRequestForm,
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

/** After the processing time of a dossier received under a campaign window: which one shortened it. */
function campaignNote(ref: ReferenceData, campaignId: string | undefined): string {
  if (campaignId === undefined) return '';
  return ` (rút ngắn theo ${ref.campaigns.get(campaignId)?.name ?? campaignId})`;
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

// ───────────────────────────────────────────────────────────────────────────────────────────────
// The fields of issue #14's events the forms read: supplement items and sequence, the refusal at
// reception, the return of the result (and its undoing by a correction).
type RefusedAtReceptionData = DossierRefusedAtReception['data'];
/** `SupplementRequested.data`; `sequence` is absent on requests recorded before it existed. */
type SupplementRequestedData = SupplementRequested['data'];
type ResultReturnedData = ResultReturned['data'];

/** The refusal a form 03 prints: at reception, or a refused resolution. */
export interface RefusalFacts {
  stage: 'reception' | 'resolution';
  reason: string;
  legalBasis?: string;
  refusedAt: string;
  refusedBy: string;
}
/** The return of the result (ResultReturned not undone by a correction). */
export interface ReturnFacts {
  returnedAt: string;
  method: 'counter' | 'postal' | 'online';
  recipient?: { name: string; idNumber?: string; relation?: string };
  note?: string;
  returnedBy: string;
}

/** The refusal at reception recorded on the stream, if any. */
export function refusalAtReceptionOf(steps: RecordedStep[]): (RefusedAtReceptionData & { refusedBy: string }) | undefined {
  const s = steps.find((e) => e.type === 'DossierRefusedAtReception');
  return s && { ...(s.data as RefusedAtReceptionData), refusedBy: actorName(s) };
}

/** Every supplement request with its optional items and sequence (1 for the first when not recorded). */
export function supplementRequestsOf(steps: RecordedStep[]): (SupplementRequestedData & { requestedBy: string; sequence: number })[] {
  return steps
    .filter((s) => s.type === 'SupplementRequested')
    .map((s, i) => {
      const data = s.data as SupplementRequestedData;
      return { ...data, requestedBy: actorName(s), sequence: data.sequence ?? i + 1 };
    });
}

/** The standing return of the result: the last `ResultReturned`, unless a later correction undid it. */
export function returnOf(steps: RecordedStep[]): ReturnFacts | undefined {
  let returned: ReturnFacts | undefined;
  for (const s of steps) {
    if (s.type === 'ResultReturned') returned = { ...(s.data as ResultReturnedData), returnedBy: actorName(s) };
    else if (s.type === 'StepCorrected' && ['return-result', 'resolve'].includes((s.data as { undo?: string }).undo ?? '')) returned = undefined;
  }
  return returned;
}

export const RETURN_METHOD_LABELS: Record<ReturnFacts['method'], string> = {
  counter: 'Trả trực tiếp tại Bộ phận Một cửa',
  postal: 'Trả qua dịch vụ bưu chính công ích',
  online: 'Trả trực tuyến',
};

/** "Trần Văn B (người được ủy quyền)", or the applicant when no recipient was recorded. */
export function recipientText(r: ReturnFacts, applicantName: string): string {
  return r.recipient ? `${r.recipient.name}${r.recipient.relation ? ` (${r.recipient.relation})` : ''}` : applicantName;
}

/** What a reception or a refusal at reception share: enough to head a form and pick its form set. */
interface DossierOrigin {
  code: string;
  unitCode: string;
  procedureCode: string;
  procedureName?: string;
  applicant: DossierReceived['data']['applicant'];
  timeZone: string;
  /** Reception time, or the refusal time of a dossier refused at the counter. */
  receivedAt: string;
  ruleSet?: RuleSetId;
}

function originOf(steps: RecordedStep[]): DossierOrigin | undefined {
  const received = find(steps, 'DossierReceived')?.data as DossierReceived['data'] | undefined;
  if (received) return received;
  const refused = refusalAtReceptionOf(steps);
  return refused && { ...refused, receivedAt: refused.refusedAt };
}

/** The form set a dossier is printed on (its frozen rule set, else derived from the reception date). */
export function formSetOfSteps(steps: RecordedStep[], switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES): FormSetId {
  const o = originOf(steps);
  if (!o) return 'TT01/2018';
  const ruleSet = ruleSetOfReception(o, switches);
  return formSetOf(ruleSet, new Date(o.receivedAt), o.timeZone, switches);
}

function templateFor(steps: RecordedStep[], kind: FormKind, switches: RuleSetSwitches): FormTemplate {
  return FORM_TEMPLATES[formSetOfSteps(steps, switches)][kind];
}

/** The dossier state folded from the recorded steps. */
export function stateOf(steps: RecordedStep[]): ExistingDossier {
  return foldDossier(steps.filter((s) => isDossierEventType(s.type)).map((s) => toDossierEvent(s))) as ExistingDossier;
}

function find<T extends DossierEvent['type']>(
  steps: RecordedStep[],
  type: T,
): (RecordedStep & { data: Extract<DossierEvent, { type: T }>['data'] }) | undefined {
  return steps.find((s) => s.type === type) as never;
}

/** The public status address of a dossier (`GET /public/dossiers/{code}?pin=`) under the service's public base address. */
export function publicLookupUrl(publicBaseUrl: string, code: string, pin: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/api/v1/public/dossiers/${encodeURIComponent(code)}?pin=${encodeURIComponent(pin)}`;
}

export function receiptForm(
  ref: ReferenceData,
  steps: RecordedStep[],
  switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES,
  publicBaseUrl?: string,
): ReceiptForm {
  const received = find(steps, 'DossierReceived')!;
  const d = received.data as DossierReceived['data'];
  const u = unitInfo(ref, d.unitCode, d.timeZone);
  const lastSupplement = [...steps].reverse().find((s) => s.type === 'SupplementReceived');
  const sup = lastSupplement?.data as SupplementReceived['data'] | undefined;
  return {
    template: templateFor(steps, 'receipt', switches),
    timeZone: u.timeZone,
    place: u.place,
    agency: { superior: u.name, name: ONE_STOP },
    code: d.code,
    applicant: { ...d.applicant },
    procedureName: procedureNameOf(ref, d),
    processingTime: processingTimeLabel(d.processingTime) + campaignNote(ref, d.campaignId),
    channel: d.channel,
    receivedAt: d.receivedAt,
    dueAt: d.dueAt,
    receivedBy: actorName(received),
    supplement: sup ? { receivedAt: sup.receivedAt, dueAt: sup.dueAt } : undefined,
    lookup: d.lookupPin && publicBaseUrl ? { pin: d.lookupPin, url: publicLookupUrl(publicBaseUrl, d.code, d.lookupPin) } : undefined,
  };
}

/** Form 04, or undefined when the dossier has no apology. */
export function apologyForm(ref: ReferenceData, steps: RecordedStep[], switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES): ApologyForm | undefined {
  const apology = find(steps, 'ApologyIssued');
  if (!apology) return undefined;
  const a = apology.data as ApologyIssued['data'];
  const d = find(steps, 'DossierReceived')!.data as DossierReceived['data'];
  const u = unitInfo(ref, d.unitCode, d.timeZone);
  return {
    ...dossierHeading(ref, d, u),
    template: templateFor(steps, 'apology', switches),
    previousDueAt: a.previousDueAt,
    reason: a.reason,
    newDueAt: a.newDueAt,
    letterNumber: a.letterNumber,
    issuedAt: a.issuedAt,
    signedBy: actorName(apology),
  };
}

/** Form 05: one row per hand-off, in the order they happened. */
export function controlSheetForm(
  ref: ReferenceData,
  steps: RecordedStep[],
  printedAt: Date,
  switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES,
): ControlSheetForm {
  const received = find(steps, 'DossierReceived')!;
  const d = received.data as DossierReceived['data'];
  const u = unitInfo(ref, d.unitCode, d.timeZone);
  const state = stateOf(steps);
  const classify = (at: string, due: string, mode: 'exact' | 'day' = u.timingMode): StepTiming => timingClass(new Date(at), new Date(due), u.timeZone, mode);
  const oneStop = `${ONE_STOP} (${u.name})`;
  const clerk = actorName(received);
  const returned = returnOf(steps);
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
        // the real return (time, clerk, recipient) when recorded; else blank cells to fill by hand
        rows.push(
          returned
            ? {
                step: 'Trả kết quả cho tổ chức, cá nhân',
                fromAgency: oneStop,
                toAgency: CITIZEN,
                handedOverAt: returned.returnedAt,
                takenAt: returned.returnedAt,
                giver: returned.returnedBy,
                taker: recipientText(returned, d.applicant.name),
                timing: null,
                note: [RETURN_METHOD_LABELS[returned.method], returned.note].filter(Boolean).join('; '),
              }
            : { step: 'Trả kết quả cho tổ chức, cá nhân', fromAgency: oneStop, toAgency: CITIZEN, taker: d.applicant.name, timing: null },
        );
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
    template: templateFor(steps, 'control-sheet', switches),
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
  const returned = returnOf(steps);
  const notes: string[] = [];
  for (const round of s.supplements) {
    notes.push(round.dueAt ? `Bổ sung hồ sơ, hẹn lại ${viDate(round.dueAt, timeZone)}` : 'Chờ bổ sung hồ sơ');
  }
  if (s.apology) notes.push(`Xin lỗi${s.apology.letterNumber ? ` (${s.apology.letterNumber})` : ''}, hẹn lại ${viDate(s.apology.newDueAt, timeZone)}`);
  if (s.status === 'withdrawn') notes.push(`Rút hồ sơ: ${s.withdrawalReason}`);
  let result: string;
  if (s.status === 'resolved' || s.status === 'returned') {
    const resolved = find(steps, 'DossierResolved')?.data as DossierResolved['data'] | undefined;
    const t = timingClass(new Date(s.resolvedAt), new Date(s.dueAt), timeZone, resolved ? frozenMode(resolved) : timingMode);
    result = `${s.outcome === 'refused' ? 'Từ chối' : 'Đã giải quyết'} - ${TIMING_LABELS[t]}`;
  } else if (s.status === 'withdrawn') result = 'Đã rút';
  else if (s.status === 'awaiting-supplement') result = 'Chờ bổ sung';
  else if (s.status === 'paused') result = 'Tạm dừng';
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
    // the real return, never the resolution (blank until the result is handed over)
    returnedAt: returned?.returnedAt,
    returnedTo: returned && recipientText(returned, d.applicant.name),
    notes: notes.join('; '),
  };
}

/**
 * The book of a year is kept on the form in force on its last day, or on the day it is printed
 * when the year is not over (a book of 2025 is a Thông tư 03/2025 book by default).
 */
export function trackingBookTemplate(year: number, printedAt: Date, timeZone: string, switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES): FormTemplate {
  const today = localDateOf(printedAt, timeZone);
  const yearEnd = `${String(year).padStart(4, '0')}-12-31`;
  const day = today < yearEnd ? today : yearEnd;
  return FORM_TEMPLATES[day >= switches.tt03FormsFrom && day >= switches.rules2025From ? 'TT03/2025' : 'TT01/2018']['tracking-book'];
}

export function trackingBookForm(
  ref: ReferenceData,
  unitCode: string,
  year: number,
  dossiers: RecordedStep[][],
  printedAt: Date,
  switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES,
): TrackingBookForm {
  const u = unitInfo(ref, unitCode);
  return {
    template: trackingBookTemplate(year, printedAt, u.timeZone, switches),
    timeZone: u.timeZone,
    place: u.place,
    agency: agencyOf(u),
    unitName: u.name,
    year,
    rows: dossiers.map((steps) => trackingBookRow(steps, u.timeZone, u.timingMode)),
    printedAt: printedAt.toISOString(),
  };
}

/** The contact of a supplement request: whoever held the dossier when it was asked (the assignee), else the unit. */
function contactAt(steps: RecordedStep[], until: number, u: UnitInfo, requestedBy: string) {
  let contact = { unit: u.name, person: requestedBy || undefined };
  for (const s of steps.slice(0, until)) {
    if (s.type !== 'DossierAssigned') continue;
    const a = s.data as DossierAssigned['data'];
    contact = { unit: a.department ?? u.name, person: a.assigneeName ?? a.assignee };
  }
  return contact;
}

/** Form 02 of the last supplement request, or undefined when none was made. */
export function supplementRequestForm(
  ref: ReferenceData,
  steps: RecordedStep[],
  switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES,
): SupplementRequestForm | undefined {
  const requests = supplementRequestsOf(steps);
  const last = requests[requests.length - 1];
  if (!last) return undefined;
  const d = find(steps, 'DossierReceived')!.data as DossierReceived['data'];
  const u = unitInfo(ref, d.unitCode, d.timeZone);
  const at = steps.map((s) => s.type).lastIndexOf('SupplementRequested');
  const heading = dossierHeading(ref, d, u);
  return {
    template: templateFor(steps, 'supplement-request', switches),
    timeZone: heading.timeZone,
    place: heading.place,
    agency: heading.agency,
    code: d.code,
    applicantName: d.applicant.name,
    procedureName: heading.procedureName,
    receivedAt: d.receivedAt,
    requestedAt: last.requestedAt,
    reason: last.reason,
    items: last.items,
    sequence: last.sequence,
    contact: contactAt(steps, at, u, last.requestedBy),
    requestedBy: last.requestedBy,
  };
}

/** The refusal of a dossier: at the counter, or a standing refused resolution. */
export function refusalOf(steps: RecordedStep[]): RefusalFacts | undefined {
  const atReception = refusalAtReceptionOf(steps);
  if (atReception) {
    return {
      stage: 'reception',
      reason: atReception.reason,
      legalBasis: atReception.legalBasis,
      refusedAt: atReception.refusedAt,
      refusedBy: atReception.refusedBy,
    };
  }
  if (!find(steps, 'DossierReceived')) return undefined;
  const state = stateOf(steps) as ExistingDossier & { outcome?: string };
  if (state.outcome !== 'refused') return undefined;
  const resolution = [...steps].reverse().find((s) => s.type === 'DossierResolved')!;
  const r = resolution.data as DossierResolved['data'];
  return { stage: 'resolution', reason: r.note ?? '', refusedAt: r.resolvedAt, refusedBy: actorName(resolution) };
}

/** Form 03, or undefined when the dossier was not refused. */
export function refusalForm(ref: ReferenceData, steps: RecordedStep[], switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES): RefusalForm | undefined {
  const refusal = refusalOf(steps);
  const o = originOf(steps);
  if (!refusal || !o) return undefined;
  const u = unitInfo(ref, o.unitCode, o.timeZone);
  const ruleSet = ruleSetOfReception(o, switches);
  return {
    template: templateFor(steps, 'refusal', switches),
    timeZone: u.timeZone,
    place: u.place,
    agency: agencyOf(u),
    stage: refusal.stage,
    code: o.code,
    applicantName: o.applicant.name,
    procedureName: o.procedureName ?? ref.procedures.get(o.procedureCode)?.name ?? o.procedureCode,
    receivedAt: refusal.stage === 'resolution' ? o.receivedAt : undefined,
    refusedAt: refusal.refusedAt,
    reason: refusal.reason,
    legalBasis: refusal.legalBasis,
    decree: RULE_SETS[ruleSet].decree,
    signedBy: refusal.refusedBy,
  };
}

/** Form 05 (Thông tư 03/2025) of a withdrawn dossier, or undefined when it was not withdrawn. */
export function stopNoticeForm(ref: ReferenceData, steps: RecordedStep[], switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES): StopNoticeForm | undefined {
  if (!find(steps, 'DossierReceived') || stateOf(steps).status !== 'withdrawn') return undefined;
  const withdrawal = [...steps].reverse().find((s) => s.type === 'DossierWithdrawn')!;
  const w = withdrawal.data as DossierWithdrawn['data'];
  const d = find(steps, 'DossierReceived')!.data as DossierReceived['data'];
  const u = unitInfo(ref, d.unitCode, d.timeZone);
  return {
    ...dossierHeading(ref, d, u),
    template: templateFor(steps, 'stop-notice', switches),
    stoppedAt: w.withdrawnAt,
    reason: w.reason,
    signedBy: actorName(withdrawal),
  };
}
