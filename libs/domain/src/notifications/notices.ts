/**
 * Telling the citizen (Nghị định 61/2018 Art. 19.9, 20): which dossier event gives the applicant
 * which notice, the default Vietnamese texts, and the one template language (`{{name}}`
 * placeholders, nothing else) that units may override. Pure: no I/O, `now` never read.
 *
 * THE mapping is `NOTICE_OF_EVENT` below: one entry per dossier event type (`satisfies Record`), so
 * a new event type does not compile until it says whether it tells the citizen. To add a notice
 * (e.g. `ResultReturned` → 'result-returned'): add the kind to `NOTICE_KINDS`, its default texts to
 * `DEFAULT_TEMPLATES`, its values to `noticeValues`, and set the event's entry here.
 */
import { assertNever } from '../dossier/assert-never';
import { localDateTimeOf } from '../time/zoned';
import type { DossierEvent, DossierEventType } from '../dossier/events';

/** The channels a citizen can be told through. */
export const NOTICE_CHANNELS = ['email', 'sms'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

export const NOTICE_KINDS = ['received', 'supplement-needed', 'apology', 'result-ready', 'processing-stopped', 'result-returned'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Which event tells the citizen what (null: nothing). Exhaustive over the dossier events. */
export const NOTICE_OF_EVENT = {
  DossierReceived: 'received',
  DossierAssigned: null,
  SupplementRequested: 'supplement-needed',
  SupplementReceived: null,
  ApologyIssued: 'apology',
  DossierResolved: 'result-ready',
  DossierWithdrawn: 'processing-stopped',
  SatisfactionRated: null,
  DeadlineWarningRaised: null,
  ApologyCutoffReached: null,
  DossierOverdue: null,
  DeadlineAlertWithdrawn: null,
  // the clock's own bookkeeping: the citizen learns the new date from the look-up page
  ProcessingPaused: null,
  ProcessingResumed: null,
  ResultReturned: 'result-returned',
  // a correction of a mistaken step is the office's own record
  StepCorrected: null,
  // refused at the counter: the applicant is there and receives the refusal slip (form 03)
  DossierRefusedAtReception: null,
  // liên thông and reorganisation happen between agencies: the due time promised to the citizen does not change
  DossierTransferred: null,
  TransferReturned: null,
  // an agency's deadline alert is for the staff of the agency and the lead unit
  TransferAlertRaised: null,
  DossierPassedToSuccessor: null,
} as const satisfies Record<DossierEventType, NoticeKind | null>;

export function noticeOfEventType(type: string): NoticeKind | undefined {
  return (NOTICE_OF_EVENT as Record<string, NoticeKind | null>)[type] ?? undefined;
}

/** The dossier facts every notice may name (from its reception). */
export interface NoticeDossier {
  code: string;
  unitCode: string;
  procedureCode: string;
  procedureName?: string;
  applicantName: string;
  timeZone: string;
  dueAt: string;
}

/** Values a template may use: `{{code}}`, `{{procedure}}`, `{{applicant}}`, `{{dueDate}}`, … */
export const TEMPLATE_VARIABLES = ['code', 'procedure', 'applicant', 'dueDate', 'newDueDate', 'reason', 'outcome', 'date', 'lookupUrl', 'unit'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type NoticeValues = Partial<Record<TemplateVariable, string>>;

/** One notice's texts: the e-mail subject and body, and the SMS text. */
export interface NoticeTemplate {
  subject: string;
  email: string;
  sms: string;
}

export const DEFAULT_TEMPLATES: Readonly<Record<NoticeKind, NoticeTemplate>> = {
  received: {
    subject: 'Hồ sơ {{code}} đã được tiếp nhận',
    email:
      'Kính gửi {{applicant}},\n\nHồ sơ {{code}} ({{procedure}}) đã được tiếp nhận ngày {{date}}.\n' +
      'Ngày hẹn trả kết quả: {{dueDate}}.\nTra cứu tình trạng hồ sơ: {{lookupUrl}}\n\nBộ phận Một cửa {{unit}}',
    sms: 'Ho so {{code}} da duoc tiep nhan ngay {{date}}. Hen tra ket qua: {{dueDate}}. Tra cuu: {{lookupUrl}}',
  },
  'supplement-needed': {
    subject: 'Hồ sơ {{code}} cần bổ sung',
    email:
      'Kính gửi {{applicant}},\n\nHồ sơ {{code}} ({{procedure}}) cần được bổ sung, hoàn thiện: {{reason}}.\n' +
      'Thời hạn giải quyết được tính lại từ khi nhận đủ hồ sơ.\nTra cứu: {{lookupUrl}}\n\nBộ phận Một cửa {{unit}}',
    sms: 'Ho so {{code}} can bo sung: {{reason}}. Tra cuu: {{lookupUrl}}',
  },
  apology: {
    subject: 'Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {{code}}',
    email:
      'Kính gửi {{applicant}},\n\nCơ quan chúng tôi xin lỗi vì hồ sơ {{code}} ({{procedure}}) chưa giải quyết được đúng hạn: {{reason}}.\n' +
      'Ngày hẹn trả kết quả mới: {{newDueDate}}.\nTra cứu: {{lookupUrl}}\n\nBộ phận Một cửa {{unit}}',
    sms: 'Xin loi: ho so {{code}} tre han. Hen tra ket qua moi: {{newDueDate}}. Tra cuu: {{lookupUrl}}',
  },
  'result-ready': {
    subject: 'Hồ sơ {{code}} đã có kết quả',
    email:
      'Kính gửi {{applicant}},\n\nHồ sơ {{code}} ({{procedure}}) đã có kết quả ({{outcome}}) ngày {{date}}.\n' +
      'Mời Ông/Bà đến nhận kết quả hoặc tra cứu: {{lookupUrl}}\n\nBộ phận Một cửa {{unit}}',
    sms: 'Ho so {{code}} da co ket qua ngay {{date}}. Tra cuu: {{lookupUrl}}',
  },
  'processing-stopped': {
    subject: 'Hồ sơ {{code}} đã dừng xử lý',
    email:
      'Kính gửi {{applicant}},\n\nHồ sơ {{code}} ({{procedure}}) đã dừng xử lý ngày {{date}}: {{reason}}.\n' +
      'Tra cứu: {{lookupUrl}}\n\nBộ phận Một cửa {{unit}}',
    sms: 'Ho so {{code}} da dung xu ly ngay {{date}}: {{reason}}',
  },
  'result-returned': {
    subject: 'Kết quả hồ sơ {{code}} đã được trả',
    email:
      'Kính gửi {{applicant}},\n\nKết quả hồ sơ {{code}} ({{procedure}}) đã được trả ngày {{date}} ({{reason}}).\n' +
      'Nếu Ông/Bà chưa nhận được kết quả, xin liên hệ Bộ phận Một cửa {{unit}}. Tra cứu: {{lookupUrl}}',
    sms: 'Ket qua ho so {{code}} da duoc tra ngay {{date}}. Tra cuu: {{lookupUrl}}',
  },
};

const RETURN_TEXT: Record<string, string> = { counter: 'trả tại Bộ phận Một cửa', postal: 'trả qua dịch vụ bưu chính', online: 'trả trực tuyến' };

const OUTCOME_TEXT: Record<string, string> = { approved: 'đã giải quyết', refused: 'từ chối giải quyết' };

/** dd/MM/yyyy HH:mm in `timeZone`, through the domain's one wall-clock conversion (`localDateTimeOf`: cached offsets, no Intl for fixed zones). */
export function formatLocalDateTime(iso: string, timeZone: string): string {
  const { date, msOfDay } = localDateTimeOf(new Date(iso), timeZone);
  const [year, month, day] = date.split('-');
  const minutes = Math.floor(msOfDay / 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${day}/${month}/${year} ${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`;
}

/** The values of one notice, from the dossier and the event that gives it. */
export function noticeValues(dossier: NoticeDossier, event: DossierEvent, lookupUrl: string): NoticeValues {
  const base: NoticeValues = {
    code: dossier.code,
    procedure: dossier.procedureName ?? dossier.procedureCode,
    applicant: dossier.applicantName,
    dueDate: formatLocalDateTime(dossier.dueAt, dossier.timeZone),
    lookupUrl,
    unit: dossier.unitCode,
  };
  const at = (iso: string) => formatLocalDateTime(iso, dossier.timeZone);
  switch (event.type) {
    case 'DossierReceived':
      return { ...base, date: at(event.data.receivedAt), dueDate: at(event.data.dueAt) };
    case 'SupplementRequested':
      return { ...base, date: at(event.data.requestedAt), reason: event.data.reason };
    case 'ApologyIssued':
      return { ...base, date: at(event.data.issuedAt), reason: event.data.reason, newDueDate: at(event.data.newDueAt) };
    case 'DossierResolved':
      return { ...base, date: at(event.data.resolvedAt), outcome: OUTCOME_TEXT[event.data.outcome] ?? event.data.outcome };
    case 'DossierWithdrawn':
      return { ...base, date: at(event.data.withdrawnAt), reason: event.data.reason };
    case 'ResultReturned':
      return {
        ...base,
        date: at(event.data.returnedAt),
        reason: `${RETURN_TEXT[event.data.method] ?? event.data.method}${event.data.recipient ? `, người nhận: ${event.data.recipient.name}` : ''}`,
      };
    case 'DossierAssigned':
    case 'SupplementReceived':
    case 'ProcessingPaused':
    case 'ProcessingResumed':
    case 'StepCorrected':
    case 'DossierRefusedAtReception':
    case 'DossierTransferred':
    case 'TransferReturned':
    case 'TransferAlertRaised':
    case 'DossierPassedToSuccessor':
    case 'SatisfactionRated':
    case 'DeadlineWarningRaised':
    case 'ApologyCutoffReached':
    case 'DossierOverdue':
    case 'DeadlineAlertWithdrawn':
      return base;
    default:
      return assertNever(event);
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Why a template text is refused (unknown variable, unbalanced braces, empty, too long), or undefined. */
export function templateProblem(text: unknown, maxLength: number): string | undefined {
  if (typeof text !== 'string') return 'must be a string';
  if (text.trim() === '') return 'must not be empty';
  if (text.length > maxLength) return `must be at most ${maxLength} characters`;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(m[1])) return `unknown variable {{${m[1]}}} (known: ${TEMPLATE_VARIABLES.join(', ')})`;
  }
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'has an unbalanced "{{" or "}}"';
  return undefined;
}

/** Fills `{{name}}` placeholders; a variable without a value becomes empty. Throws on a malformed template. */
export function renderTemplate(text: string, values: NoticeValues): string {
  const problem = templateProblem(text, Number.MAX_SAFE_INTEGER);
  if (problem) throw new Error(`template ${problem}`);
  return text.replace(PLACEHOLDER, (_m, name: string) => values[name as TemplateVariable] ?? '');
}

/** A unit's overrides: per notice kind, any of the three texts. */
export type TemplateOverrides = Partial<Record<NoticeKind, Partial<NoticeTemplate>>>;

export const TEMPLATE_MAX_LENGTH: Readonly<Record<keyof NoticeTemplate, number>> = { subject: 200, email: 5000, sms: 480 };

/** Problems of a unit's overrides, one line each (empty: valid). */
export function templateOverridesProblems(overrides: unknown): string[] {
  if (overrides === undefined) return [];
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) return ['templates must be an object keyed by notice kind'];
  const problems: string[] = [];
  for (const [kind, texts] of Object.entries(overrides)) {
    if (!(NOTICE_KINDS as readonly string[]).includes(kind)) {
      problems.push(`templates.${kind}: unknown notice kind (known: ${NOTICE_KINDS.join(', ')})`);
      continue;
    }
    if (typeof texts !== 'object' || texts === null || Array.isArray(texts)) {
      problems.push(`templates.${kind} must be an object with subject, email and/or sms`);
      continue;
    }
    for (const [part, text] of Object.entries(texts)) {
      if (!(part in TEMPLATE_MAX_LENGTH)) {
        problems.push(`templates.${kind}.${part}: unknown part (known: subject, email, sms)`);
        continue;
      }
      const p = templateProblem(text, TEMPLATE_MAX_LENGTH[part as keyof NoticeTemplate]);
      if (p) problems.push(`templates.${kind}.${part} ${p}`);
    }
  }
  return problems;
}

/** The message of one notice on one channel, with the unit's overrides. */
export function renderNotice(
  kind: NoticeKind,
  channel: NoticeChannel,
  values: NoticeValues,
  overrides: TemplateOverrides = {},
): { subject?: string; text: string } {
  const t = { ...DEFAULT_TEMPLATES[kind], ...(overrides[kind] ?? {}) };
  switch (channel) {
    case 'email':
      return { subject: renderTemplate(t.subject, values), text: renderTemplate(t.email, values) };
    case 'sms':
      return { text: renderTemplate(t.sms, values) };
    default:
      return assertNever(channel);
  }
}

/** `abc@example.vn` → `a***@e***.vn`; `0912345678` → `091****678`. */
export function maskAddress(channel: NoticeChannel, to: string): string {
  switch (channel) {
    case 'email': {
      const [local, domain = ''] = to.split('@');
      const dot = domain.lastIndexOf('.');
      const host = dot > 0 ? domain.slice(0, dot) : domain;
      const tld = dot > 0 ? domain.slice(dot) : '';
      return `${local.slice(0, 1)}***@${host.slice(0, 1)}***${tld}`;
    }
    case 'sms': {
      const digits = to.replace(/\D/g, '');
      return digits.length <= 6 ? '***' : `${digits.slice(0, 3)}****${digits.slice(-3)}`;
    }
    default:
      return assertNever(channel);
  }
}

/** A plausible e-mail address / phone number of the applicant (else no notice on that channel). */
export function isNoticeAddress(channel: NoticeChannel, to: string | undefined): to is string {
  if (!to) return false;
  switch (channel) {
    case 'email':
      return /^[^\s@<>]{1,64}@[^\s@<>]+\.[^\s@<>]+$/.test(to) && to.length <= 254;
    case 'sms':
      return /^\+?[0-9 .-]{9,15}$/.test(to) && to.replace(/\D/g, '').length >= 9;
    default:
      return assertNever(channel);
  }
}
