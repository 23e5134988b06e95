/**
 * The numbering and titles of the printed forms per form set. The routes name a form by meaning
 * (`FormKind`); the number and title printed follow the dossier's form set.
 *
 * Thông tư 01/2018/TT-VPCP (six forms): 01 receipt, 02 supplement request, 03 refusal, 04 apology,
 * 05 control sheet, 06 tracking book. It has no notice of stopping: a stop notice of a 2018 dossier
 * is printed without a form number.
 * Thông tư 03/2025/TT-VPCP (seven forms, names as published; field layouts unverified): 01 receipt,
 * 02 supplement request, 03 refusal, 04 apology and extension, 05 stop notice, 06 control sheet,
 * 07 tracking book.
 */
import type { FormSetId } from './rule-set';

export type FormKind = 'receipt' | 'supplement-request' | 'refusal' | 'apology' | 'stop-notice' | 'control-sheet' | 'tracking-book';

export interface FormTemplate {
  /** Printed as "Mẫu số {number}"; absent when the form set has no such form. */
  number?: string;
  title: string;
  /** The circular the form comes from, e.g. "Thông tư số 03/2025/TT-VPCP". */
  circular: string;
}

const TT01 = 'Thông tư số 01/2018/TT-VPCP';
const TT03 = 'Thông tư số 03/2025/TT-VPCP';

export const FORM_TEMPLATES: Readonly<Record<FormSetId, Readonly<Record<FormKind, FormTemplate>>>> = {
  'TT01/2018': {
    receipt: { number: '01', title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', circular: TT01 },
    'supplement-request': { number: '02', title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', circular: TT01 },
    refusal: { number: '03', title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', circular: TT01 },
    apology: { number: '04', title: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả', circular: TT01 },
    'stop-notice': { title: 'Thông báo dừng giải quyết hồ sơ', circular: TT01 },
    'control-sheet': { number: '05', title: 'Phiếu kiểm soát quá trình giải quyết hồ sơ', circular: TT01 },
    'tracking-book': { number: '06', title: 'Sổ theo dõi hồ sơ', circular: TT01 },
  },
  'TT03/2025': {
    receipt: { number: '01', title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', circular: TT03 },
    'supplement-request': { number: '02', title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', circular: TT03 },
    refusal: { number: '03', title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', circular: TT03 },
    apology: { number: '04', title: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết', circular: TT03 },
    'stop-notice': { number: '05', title: 'Thông báo dừng giải quyết hồ sơ', circular: TT03 },
    'control-sheet': { number: '06', title: 'Phiếu kiểm soát quá trình giải quyết hồ sơ', circular: TT03 },
    'tracking-book': { number: '07', title: 'Sổ theo dõi hồ sơ', circular: TT03 },
  },
};

export function formTemplate(formSet: FormSetId, kind: FormKind): FormTemplate {
  return FORM_TEMPLATES[formSet][kind];
}
