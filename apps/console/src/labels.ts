/** Vietnamese labels of the API's codes (statuses, channels, alert kinds, event types, roles). */
export const STATUS_LABEL: Record<string, string> = {
  received: 'Đã tiếp nhận',
  assigned: 'Đang xử lý',
  'awaiting-supplement': 'Chờ bổ sung',
  paused: 'Tạm dừng',
  resolved: 'Đã có kết quả',
  returned: 'Đã trả kết quả',
  withdrawn: 'Đã rút',
  'refused-at-reception': 'Từ chối tiếp nhận',
};

export const CHANNEL_LABEL: Record<string, string> = {
  direct: 'Trực tiếp',
  online: 'Trực tuyến',
  postal: 'Bưu chính',
};

export const ALERT_KIND_LABEL: Record<string, string> = {
  'near-deadline': 'Sắp đến hạn',
  'apology-cutoff': 'Hạn cuối gửi thư xin lỗi',
  overdue: 'Quá hạn',
};

export const ALERT_STATE_LABEL: Record<string, string> = {
  open: 'Chưa xử lý',
  acknowledged: 'Đã xác nhận',
  withdrawn: 'Đã thu hồi',
};

export const TIMING_LABEL: Record<string, string> = {
  early: 'Trước hạn',
  'on-time': 'Đúng hạn',
  onTime: 'Đúng hạn',
  late: 'Quá hạn',
  'within-time': 'Trong hạn',
  overdue: 'Quá hạn',
};

export const ROLE_LABEL: Record<string, string> = {
  clerk: 'Cán bộ một cửa',
  officer: 'Chuyên viên xử lý',
  supervisor: 'Lãnh đạo / giám sát',
  auditor: 'Kiểm tra, thanh tra',
  admin: 'Quản trị',
};

export const EVENT_LABEL: Record<string, string> = {
  DossierReceived: 'Tiếp nhận hồ sơ',
  DossierAssigned: 'Phân công xử lý',
  SupplementRequested: 'Yêu cầu bổ sung',
  SupplementReceived: 'Nhận hồ sơ bổ sung',
  ApologyIssued: 'Xin lỗi, hẹn lại ngày trả',
  DossierResolved: 'Có kết quả giải quyết',
  DossierWithdrawn: 'Công dân rút hồ sơ',
  SatisfactionRated: 'Đánh giá mức độ hài lòng',
  DeadlineWarningRaised: 'Cảnh báo sắp đến hạn',
  ApologyCutoffReached: 'Đến hạn cuối gửi thư xin lỗi',
  DossierOverdue: 'Hồ sơ quá hạn',
  DeadlineAlertWithdrawn: 'Thu hồi cảnh báo',
  ProcessingPaused: 'Tạm dừng xử lý',
  ProcessingResumed: 'Tiếp tục xử lý',
  ResultReturned: 'Trả kết quả',
  DossierRefusedAtReception: 'Từ chối tiếp nhận',
  DossierTransferred: 'Chuyển liên thông',
  TransferReturned: 'Nhận lại kết quả liên thông',
  TransferAlertRaised: 'Cảnh báo hạn liên thông',
};

export const RETURN_METHOD_LABEL: Record<string, string> = { counter: 'Tại quầy', postal: 'Qua bưu chính', online: 'Trực tuyến' };

export function label(map: Record<string, string>, code: string | undefined | null): string {
  if (!code) return '';
  return map[code] ?? code;
}
