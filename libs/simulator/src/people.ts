/** Vietnamese applicants, officers and the texts clerks write. */
import { cumulative, Rng } from './rng';

const SURNAMES: [string, number][] = [
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Hoàng', 3],
  ['Huỳnh', 2.5],
  ['Phan', 4.5],
  ['Vũ', 2.2],
  ['Võ', 2.2],
  ['Đặng', 2.1],
  ['Bùi', 2],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
  ['Trương', 0.8],
  ['Đinh', 0.6],
];
const SURNAME_CUM = cumulative(SURNAMES.map(([, w]) => w));
const MIDDLE_M = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thanh', 'Hoàng', 'Công', 'Đình', 'Xuân'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Mỹ', 'Bích', 'Thị Thu', 'Hoài', 'Phương'];
const GIVEN_M = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Đức',
  'Hải',
  'Hùng',
  'Khang',
  'Long',
  'Minh',
  'Nam',
  'Phúc',
  'Quân',
  'Sơn',
  'Tài',
  'Thắng',
  'Trung',
  'Tuấn',
  'Việt',
  'Vinh',
];
const GIVEN_F = [
  'Anh',
  'Chi',
  'Dung',
  'Giang',
  'Hà',
  'Hằng',
  'Hoa',
  'Hương',
  'Lan',
  'Linh',
  'Mai',
  'My',
  'Ngân',
  'Ngọc',
  'Nhung',
  'Oanh',
  'Phương',
  'Thảo',
  'Trang',
  'Yến',
];
const STREETS = [
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Nguyễn Huệ',
  'Hai Bà Trưng',
  'Quang Trung',
  'Lý Thường Kiệt',
  'Nguyễn Trãi',
  'Hùng Vương',
  'Phan Chu Trinh',
  'Điện Biên Phủ',
  'Lê Duẩn',
  'Nguyễn Văn Cừ',
  'Cách Mạng Tháng Tám',
  'Võ Thị Sáu',
  'Tôn Đức Thắng',
];
const COMPANY = ['Công ty TNHH', 'Công ty cổ phần', 'Doanh nghiệp tư nhân', 'Hợp tác xã'];
const BUSINESS = ['Thương mại Dịch vụ', 'Xây dựng', 'Nông sản', 'Vận tải', 'Đầu tư Phát triển', 'Thực phẩm', 'Công nghệ'];
const MOBILE = [
  '90',
  '91',
  '93',
  '94',
  '96',
  '97',
  '98',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '38',
  '39',
  '70',
  '76',
  '77',
  '78',
  '79',
  '81',
  '82',
  '83',
  '84',
  '85',
  '86',
  '88',
  '89',
];

export function personName(rng: Rng): string {
  const surname = SURNAMES[rng.weighted(SURNAME_CUM)][0];
  const female = rng.chance(0.5);
  return `${surname} ${rng.pick(female ? MIDDLE_F : MIDDLE_M)} ${rng.pick(female ? GIVEN_F : GIVEN_M)}`;
}

export interface SimApplicant {
  name: string;
  idNumber?: string;
  phone?: string;
  email?: string;
  address?: string;
}

export function applicant(rng: Rng, field: string, communeName: string, online: boolean): SimApplicant {
  const company = field === 'Kinh tế' && rng.chance(0.4);
  const name = company ? `${rng.pick(COMPANY)} ${rng.pick(BUSINESS)} ${rng.pick(GIVEN_M)} ${rng.pick(['Phát', 'Thịnh', 'Hưng', 'Lộc'])}` : personName(rng);
  const a: SimApplicant = { name };
  // CCCD: 3-digit province code, century/sex digit, 2-digit birth year, 6 digits
  if (company) a.idNumber = `${rng.int(3, 6)}${rng.digits(9)}`;
  else a.idNumber = `0${rng.pick(['79', '80', '82', '83', '86', '87', '89'])}${rng.pick(['0', '1', '2', '3'])}${rng.digits(8)}`;
  if (rng.chance(0.9)) a.phone = `0${rng.pick(MOBILE)}${rng.digits(7)}`;
  if (online && rng.chance(0.4)) a.email = `congdan${rng.digits(6)}@gmail.com`;
  a.address = `Số ${rng.int(1, 420)} đường ${rng.pick(STREETS)}, ${communeName.replace(/^UBND /, '').replace(/^(xã|phường|thị trấn)/, (s) => s[0].toUpperCase() + s.slice(1))}`;
  return a;
}

const DEPT_BY_FIELD: Record<string, [commune: string, district: string, province: string]> = {
  'Hộ tịch': ['Công chức Tư pháp - Hộ tịch', 'Phòng Tư pháp', 'Sở Tư pháp'],
  'Chứng thực': ['Công chức Tư pháp - Hộ tịch', 'Phòng Tư pháp', 'Sở Tư pháp'],
  'Tư pháp': ['Công chức Tư pháp - Hộ tịch', 'Phòng Tư pháp', 'Sở Tư pháp'],
  'Đất đai': ['Công chức Địa chính - Xây dựng', 'Phòng Tài nguyên và Môi trường', 'Sở Tài nguyên và Môi trường'],
  'Môi trường': ['Công chức Địa chính - Xây dựng', 'Phòng Tài nguyên và Môi trường', 'Sở Tài nguyên và Môi trường'],
  'Xây dựng': ['Công chức Địa chính - Xây dựng', 'Phòng Quản lý đô thị', 'Sở Xây dựng'],
  'Kinh tế': ['Công chức Văn phòng - Thống kê', 'Phòng Tài chính - Kế hoạch', 'Sở Kế hoạch và Đầu tư'],
  'Giáo dục': ['Công chức Văn hóa - Xã hội', 'Phòng Giáo dục và Đào tạo', 'Sở Giáo dục và Đào tạo'],
  'Lao động - Thương binh và Xã hội': ['Công chức Văn hóa - Xã hội', 'Phòng Lao động - Thương binh và Xã hội', 'Sở Lao động - Thương binh và Xã hội'],
  'Văn hóa - Thể thao - Du lịch': ['Công chức Văn hóa - Xã hội', 'Phòng Văn hóa và Thông tin', 'Sở Văn hóa, Thể thao và Du lịch'],
  'Nông nghiệp': ['Công chức Địa chính - Nông nghiệp', 'Phòng Nông nghiệp và Phát triển nông thôn', 'Sở Nông nghiệp và Phát triển nông thôn'],
  'Giao thông vận tải': ['Công chức Địa chính - Xây dựng', 'Phòng Quản lý đô thị', 'Sở Giao thông vận tải'],
  'Nội vụ': ['Công chức Văn phòng - Thống kê', 'Phòng Nội vụ', 'Sở Nội vụ'],
  'Y tế': ['Công chức Văn hóa - Xã hội', 'Phòng Y tế', 'Sở Y tế'],
};

export function department(field: string, level: 'province' | 'district' | 'commune'): string {
  const d = DEPT_BY_FIELD[field] ?? ['Công chức Văn phòng - Thống kê', 'Văn phòng HĐND và UBND', 'Văn phòng UBND tỉnh'];
  return level === 'commune' ? d[0] : level === 'district' ? d[1] : d[2];
}

export const SUPPLEMENT_REASONS = [
  'Thiếu bản sao giấy tờ tùy thân',
  'Thiếu bản chính giấy tờ để đối chiếu',
  'Tờ khai chưa ghi đầy đủ thông tin',
  'Thiếu sơ đồ vị trí thửa đất',
  'Bản vẽ thiết kế chưa đúng quy định',
  'Thiếu văn bản ủy quyền có chứng thực',
  'Thông tin trên tờ khai không khớp với CSDL quốc gia về dân cư',
];
export const APOLOGY_REASONS = [
  'Cần xác minh thêm thông tin tại địa phương',
  'Hồ sơ phải lấy ý kiến cơ quan liên quan',
  'Khối lượng hồ sơ tăng đột biến trong kỳ',
  'Chờ kết quả đo đạc, kiểm tra hiện trạng',
  'Hệ thống phần mềm liên thông gặp sự cố',
];
export const WITHDRAW_REASONS = ['Công dân rút hồ sơ', 'Công dân xin rút hồ sơ để bổ sung sau', 'Không còn nhu cầu giải quyết', 'Nộp nhầm thủ tục'];
export const REFUSAL_NOTES = ['Hồ sơ không đủ điều kiện theo quy định', 'Thửa đất đang có tranh chấp', 'Không thuộc thẩm quyền giải quyết'];
