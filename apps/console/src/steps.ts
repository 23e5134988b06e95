/**
 * The steps of a dossier the console offers, as data: one entry per `POST /dossiers/{id}/<name>`
 * route of the API's command table, with who may send it (the table's roles), the statuses in
 * which it makes sense, and its form fields. The dossier page draws one generic form per entry
 * (components/StepForm.tsx); a new step of the API needs only a new entry here (the API still
 * decides: a step it refuses shows its problem detail).
 */
import type { Role } from './session';

/** `lines`: one entry per line → `[{name}]` (request-supplement's items); `unit`: a unit of the province; `number`: an integer. */
export type FieldKind = 'text' | 'textarea' | 'select' | 'datetime' | 'lines' | 'unit' | 'number';

export interface StepField {
  /** Body field; `a.b` nests (`recipient.name` → `{recipient: {name}}`). */
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  options?: [value: string, label: string][];
  placeholder?: string;
}

export interface StepDef {
  name: string;
  label: string;
  roles: Role[];
  /** Statuses in which the step is offered. */
  statuses: string[];
  fields: StepField[];
  /** A form to print after the step (path under /dossiers/{id}/forms/). */
  printAfter?: string;
  /** Asks for confirmation (steps that close the dossier). */
  confirm?: string;
  /** The route under `/dossiers/{id}/` when not the step's name; `:transferId` is filled from the transfer chosen. */
  path?: string;
  /** Offered on a transfer's row (the transfer list), not among the dossier's steps. */
  perTransfer?: boolean;
  /** Last touch to the body before it is sent (e.g. drop a half-given processing time). */
  finish?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** A hint under the form. */
  hint?: string;
}

const OPEN = ['received', 'assigned', 'awaiting-supplement', 'paused'];
const IN_PROGRESS = ['received', 'assigned'];

export const STEPS: StepDef[] = [
  {
    name: 'assign',
    label: 'Phân công xử lý',
    roles: ['officer', 'supervisor'],
    statuses: IN_PROGRESS,
    fields: [
      { name: 'assignee', label: 'Mã cán bộ xử lý', kind: 'text', required: true, placeholder: 'vd. officer-1' },
      { name: 'assigneeName', label: 'Họ tên cán bộ', kind: 'text' },
      { name: 'department', label: 'Phòng, ban', kind: 'text' },
    ],
  },
  {
    name: 'request-supplement',
    label: 'Yêu cầu bổ sung hồ sơ',
    roles: ['officer', 'supervisor'],
    statuses: IN_PROGRESS,
    fields: [
      { name: 'reason', label: 'Nội dung cần bổ sung', kind: 'textarea', required: true },
      { name: 'items', label: 'Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)', kind: 'lines', placeholder: 'vd. Bản sao CCCD của người đi đăng ký' },
    ],
    printAfter: 'supplement-request.pdf',
  },
  {
    name: 'receive-supplement',
    label: 'Nhận hồ sơ bổ sung',
    roles: ['clerk', 'supervisor'],
    statuses: ['awaiting-supplement'],
    fields: [],
  },
  {
    name: 'apologise',
    label: 'Xin lỗi và hẹn lại ngày trả',
    roles: ['supervisor'],
    statuses: OPEN,
    fields: [
      { name: 'reason', label: 'Lý do chậm', kind: 'textarea', required: true },
      { name: 'newDueAt', label: 'Ngày hẹn trả mới', kind: 'datetime', required: true },
      { name: 'letterNumber', label: 'Số văn bản', kind: 'text', placeholder: 'vd. 15/PXL-UBND' },
    ],
    printAfter: 'apology.pdf',
  },
  {
    name: 'resolve',
    label: 'Ghi kết quả giải quyết',
    roles: ['officer', 'supervisor'],
    statuses: IN_PROGRESS,
    fields: [
      {
        name: 'outcome',
        label: 'Kết quả',
        kind: 'select',
        required: true,
        options: [
          ['approved', 'Chấp thuận'],
          ['refused', 'Từ chối'],
        ],
      },
      { name: 'note', label: 'Ghi chú', kind: 'textarea' },
    ],
  },
  {
    name: 'withdraw',
    label: 'Công dân rút hồ sơ',
    roles: ['clerk', 'supervisor'],
    statuses: OPEN,
    fields: [{ name: 'reason', label: 'Lý do rút', kind: 'textarea', required: true }],
    confirm: 'Ghi nhận công dân rút hồ sơ này?',
  },
  {
    name: 'rate',
    label: 'Đánh giá mức độ hài lòng',
    roles: ['clerk', 'supervisor'],
    statuses: ['resolved', 'returned'],
    fields: [
      {
        name: 'rating',
        label: 'Mức độ',
        kind: 'select',
        required: true,
        options: [
          ['satisfied', 'Hài lòng'],
          ['neutral', 'Bình thường'],
          ['dissatisfied', 'Không hài lòng'],
        ],
      },
    ],
  },
  {
    name: 'pause',
    label: 'Tạm dừng tính thời gian',
    roles: ['officer', 'supervisor'],
    statuses: IN_PROGRESS,
    fields: [
      {
        name: 'kind',
        label: 'Đang chờ',
        kind: 'select',
        required: true,
        options: [
          ['fee', 'Nộp phí, lệ phí'],
          ['verification', 'Xác minh thực địa'],
          ['consultation', 'Ý kiến cơ quan khác'],
          ['other', 'Khác'],
        ],
      },
      { name: 'reason', label: 'Lý do tạm dừng', kind: 'textarea', required: true },
    ],
  },
  {
    name: 'resume',
    label: 'Tiếp tục xử lý',
    roles: ['officer', 'supervisor'],
    statuses: ['paused'],
    fields: [],
  },
  {
    name: 'return-result',
    label: 'Trả kết quả',
    roles: ['clerk', 'supervisor'],
    statuses: ['resolved'],
    fields: [
      {
        name: 'method',
        label: 'Hình thức trả',
        kind: 'select',
        required: true,
        options: [
          ['counter', 'Tại quầy'],
          ['postal', 'Qua bưu chính'],
          ['online', 'Trực tuyến'],
        ],
      },
      { name: 'recipient.name', label: 'Người nhận', kind: 'text' },
      { name: 'recipient.idNumber', label: 'Số CCCD người nhận', kind: 'text' },
      { name: 'recipient.relation', label: 'Quan hệ (vd. được ủy quyền)', kind: 'text' },
      { name: 'note', label: 'Ghi chú', kind: 'textarea' },
    ],
  },
  {
    name: 'transfer',
    label: 'Chuyển liên thông',
    roles: ['officer', 'supervisor'],
    statuses: OPEN,
    path: 'transfers',
    fields: [
      { name: 'toUnitCode', label: 'Cơ quan nhận liên thông', kind: 'unit', required: true },
      { name: 'task', label: 'Nội dung công việc', kind: 'textarea', required: true, placeholder: 'vd. Xác nhận nghĩa vụ tài chính' },
      { name: 'processingTime.amount', label: 'Thời hạn của cơ quan nhận', kind: 'number' },
      {
        name: 'processingTime.unit',
        label: 'Đơn vị thời hạn',
        kind: 'select',
        required: true,
        options: [
          ['working_day', 'ngày làm việc'],
          ['half_day', 'buổi làm việc'],
          ['working_hour', 'giờ làm việc'],
        ],
      },
      { name: 'dueAt', label: 'Hoặc hạn trả cụ thể', kind: 'datetime' },
    ],
    finish: (body) => {
      const pt = body.processingTime as { amount?: unknown } | undefined;
      const { processingTime: _drop, ...rest } = body;
      return pt?.amount !== undefined && body.dueAt === undefined ? { ...rest, processingTime: { ...pt, amount: Number(pt.amount) } } : rest;
    },
    hint: 'Cho thời hạn (tính theo lịch và giờ làm việc của cơ quan nhận) hoặc hạn trả cụ thể.',
  },
  {
    name: 'transfer-return',
    label: 'Nhận lại kết quả liên thông',
    roles: ['officer', 'supervisor'],
    statuses: [...OPEN, 'resolved'],
    path: 'transfers/:transferId/return',
    perTransfer: true,
    fields: [
      {
        name: 'outcome',
        label: 'Kết quả của cơ quan liên thông',
        kind: 'select',
        required: true,
        options: [
          ['done', 'Đã thực hiện'],
          ['refused', 'Từ chối thực hiện'],
        ],
      },
      { name: 'note', label: 'Ghi chú', kind: 'textarea' },
    ],
  },
  {
    name: 'correct',
    label: 'Đính chính bước ghi nhầm',
    roles: ['supervisor'],
    statuses: ['received', 'assigned', 'awaiting-supplement', 'resolved', 'returned'],
    fields: [
      {
        name: 'undo',
        label: 'Bước cần hủy',
        kind: 'select',
        required: true,
        options: [
          ['resolve', 'Ghi kết quả giải quyết'],
          ['return-result', 'Trả kết quả'],
          ['assign', 'Phân công xử lý'],
        ],
      },
      { name: 'reason', label: 'Lý do đính chính', kind: 'textarea', required: true },
    ],
    confirm: 'Hủy bước đã ghi nhầm? Lịch sử vẫn giữ cả hai bản ghi.',
  },
];

/** A `lines` field's text → `[{name}]`, one per non-empty line. */
export function linesToItems(text: string): { name: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((name) => ({ name }));
}

/** Printable forms of a dossier (`GET /dossiers/{id}/forms/<file>`), offered when `when` holds. */
export interface FormDef {
  file: string;
  label: string;
  when?: (d: { apologies?: unknown[]; supplementRequests?: unknown[]; outcome?: string; status: string }) => boolean;
}

export const FORMS: FormDef[] = [
  { file: 'receipt.pdf', label: 'Giấy tiếp nhận và hẹn trả kết quả', when: (d) => d.status !== 'refused-at-reception' },
  { file: 'control-sheet.pdf', label: 'Phiếu kiểm soát quá trình giải quyết', when: (d) => d.status !== 'refused-at-reception' },
  { file: 'apology.pdf', label: 'Phiếu xin lỗi và hẹn lại ngày trả', when: (d) => (d.apologies?.length ?? 0) > 0 },
  { file: 'supplement-request.pdf', label: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', when: (d) => (d.supplementRequests?.length ?? 0) > 0 },
  { file: 'refusal.pdf', label: 'Phiếu từ chối', when: (d) => d.status === 'refused-at-reception' || d.outcome === 'refused' },
  { file: 'stop-notice.pdf', label: 'Thông báo dừng giải quyết hồ sơ', when: (d) => d.status === 'withdrawn' },
];

/** `{a: 1, 'b.c': 2}` → `{a: 1, b: {c: 2}}`, leaving out empty values (and empty lists). */
export function nestBody(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    if (v === '' || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    const path = k.split('.');
    let at = out;
    for (const p of path.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]] = v;
  }
  return out;
}
