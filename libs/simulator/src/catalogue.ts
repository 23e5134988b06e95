/**
 * A procedure catalogue shaped like a province's published list of TTHC: a few hundred procedures
 * over the usual sectors, each at the level(s) that receive it, with its legal processing time and
 * online level. Names follow the national catalogue; codes are made up but keep its `1.00xxxx` shape.
 */
import type { OnlineLevel, ProcessingTime } from '@motcua/domain';

export type ReceivingLevel = 'province' | 'district' | 'commune';

export interface SimProcedure {
  code: string;
  name: string;
  field: string;
  processingTime: ProcessingTime;
  onlineLevel: OnlineLevel;
  /** The level of unit that receives it (before 1 July 2025; district ones move to communes after). */
  level: ReceivingLevel;
  /** Relative popularity (dossiers a year). */
  weight: number;
}

const H = (amount: number): ProcessingTime => ({ amount, unit: 'working_hour' });
const HALF: ProcessingTime = { amount: 1, unit: 'half_day' };
const D = (amount: number): ProcessingTime => ({ amount, unit: 'working_day' });

type Base = [name: string, levels: string, time: ProcessingTime, online: OnlineLevel, weight: number];

/** levels: c = commune, d = district, p = province. */
const SECTORS: Record<string, Base[]> = {
  'Hộ tịch': [
    ['Đăng ký khai sinh', 'c', D(1), 'full', 120],
    ['Đăng ký khai tử', 'c', D(1), 'full', 25],
    ['Đăng ký kết hôn', 'c', D(3), 'partial', 30],
    ['Đăng ký thường trú kết hợp khai sinh', 'c', D(3), 'full', 20],
    ['Cấp giấy xác nhận tình trạng hôn nhân', 'c', D(3), 'full', 45],
    ['Cấp bản sao trích lục hộ tịch', 'cd', HALF, 'full', 40],
    ['Đăng ký nhận cha, mẹ, con', 'c', D(3), 'partial', 3],
    ['Thay đổi, cải chính, bổ sung thông tin hộ tịch', 'cd', D(3), 'partial', 12],
    ['Đăng ký giám hộ', 'c', D(3), 'none', 2],
    ['Đăng ký khai sinh có yếu tố nước ngoài', 'dp', D(3), 'partial', 4],
    ['Đăng ký kết hôn có yếu tố nước ngoài', 'dp', D(10), 'partial', 3],
    ['Ghi vào Sổ hộ tịch việc hộ tịch của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài', 'd', D(5), 'partial', 2],
    ['Đăng ký lại khai sinh', 'c', D(5), 'partial', 6],
    ['Liên thông thủ tục đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất', 'c', D(5), 'full', 10],
  ],
  'Chứng thực': [
    ['Chứng thực bản sao từ bản chính giấy tờ, văn bản', 'cd', H(1), 'partial', 260],
    ['Chứng thực chữ ký trong các giấy tờ, văn bản', 'cd', H(1), 'none', 70],
    ['Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở', 'c', D(2), 'none', 35],
    ['Chứng thực di chúc', 'c', D(2), 'none', 3],
    ['Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch', 'c', D(2), 'none', 4],
    ['Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực', 'cd', HALF, 'none', 5],
    ['Chứng thực văn bản thỏa thuận phân chia di sản', 'c', D(2), 'none', 6],
  ],
  'Đất đai': [
    ['Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất', 'dp', D(10), 'partial', 70],
    ['Cấp Giấy chứng nhận quyền sử dụng đất lần đầu', 'dp', D(30), 'partial', 25],
    ['Chuyển mục đích sử dụng đất', 'dp', D(15), 'partial', 10],
    ['Tách thửa hoặc hợp thửa đất', 'dp', D(15), 'partial', 18],
    ['Cấp đổi Giấy chứng nhận quyền sử dụng đất', 'dp', D(7), 'partial', 15],
    ['Xóa đăng ký thế chấp quyền sử dụng đất', 'dp', H(4), 'full', 30],
    ['Đăng ký thế chấp quyền sử dụng đất', 'dp', HALF, 'full', 35],
    ['Cung cấp thông tin, dữ liệu đất đai', 'dp', D(3), 'full', 12],
    ['Hòa giải tranh chấp đất đai', 'c', D(30), 'none', 4],
    ['Gia hạn sử dụng đất nông nghiệp', 'd', D(7), 'partial', 3],
  ],
  'Xây dựng': [
    ['Cấp giấy phép xây dựng nhà ở riêng lẻ', 'd', D(15), 'partial', 25],
    ['Cấp giấy phép sửa chữa, cải tạo công trình', 'd', D(15), 'partial', 5],
    ['Điều chỉnh giấy phép xây dựng', 'dp', D(10), 'partial', 3],
    ['Gia hạn giấy phép xây dựng', 'dp', D(5), 'partial', 2],
    ['Cấp giấy phép xây dựng công trình cấp II, cấp III', 'p', D(20), 'partial', 4],
    ['Thẩm định báo cáo kinh tế - kỹ thuật đầu tư xây dựng', 'dp', D(20), 'partial', 3],
    ['Cấp chứng chỉ hành nghề hoạt động xây dựng', 'p', D(20), 'full', 2],
  ],
  'Kinh tế': [
    ['Đăng ký thành lập hộ kinh doanh', 'd', D(3), 'full', 30],
    ['Đăng ký thay đổi nội dung đăng ký hộ kinh doanh', 'd', D(3), 'full', 15],
    ['Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn của hộ kinh doanh', 'd', D(3), 'full', 6],
    ['Chấm dứt hoạt động hộ kinh doanh', 'd', D(3), 'full', 5],
    ['Đăng ký thành lập doanh nghiệp', 'p', D(3), 'full', 20],
    ['Đăng ký thay đổi nội dung đăng ký doanh nghiệp', 'p', D(3), 'full', 25],
    ['Cấp giấy phép bán lẻ rượu', 'd', D(10), 'partial', 3],
    ['Cấp giấy phép bán lẻ sản phẩm thuốc lá', 'd', D(15), 'partial', 2],
    ['Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm', 'dp', D(20), 'partial', 4],
    ['Đăng ký thành lập hợp tác xã', 'd', D(5), 'full', 1],
  ],
  'Môi trường': [
    ['Đăng ký môi trường', 'cd', D(15), 'partial', 4],
    ['Cấp giấy phép môi trường', 'dp', D(30), 'partial', 2],
    ['Thẩm định báo cáo đánh giá tác động môi trường', 'p', D(30), 'partial', 1],
    ['Cấp giấy phép khai thác nước dưới đất', 'p', D(30), 'partial', 1],
    ['Xác nhận kế hoạch bảo vệ môi trường', 'd', D(10), 'partial', 2],
  ],
  'Giáo dục': [
    ['Chuyển trường đối với học sinh trung học cơ sở', 'd', D(3), 'full', 10],
    ['Xét, duyệt chính sách hỗ trợ đối với học sinh bán trú', 'c', D(5), 'partial', 4],
    ['Cho phép trường mầm non, trường tiểu học tư thục hoạt động giáo dục', 'd', D(20), 'partial', 1],
    ['Công nhận trường tiểu học đạt chuẩn quốc gia', 'p', D(30), 'none', 1],
    ['Cấp bản sao văn bằng, chứng chỉ từ sổ gốc', 'dp', D(1), 'full', 8],
    ['Chỉnh sửa nội dung văn bằng, chứng chỉ', 'dp', D(5), 'partial', 2],
    ['Chuyển trường đối với học sinh trung học phổ thông', 'p', D(3), 'full', 5],
  ],
  'Tư pháp': [
    ['Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam', 'p', D(10), 'full', 40],
    ['Công nhận hòa giải viên', 'c', D(3), 'none', 1],
    ['Thủ tục thực hiện hỗ trợ khi hòa giải viên gặp tai nạn', 'c', D(7), 'none', 1],
    ['Cấp giấy chứng nhận tuyên truyền viên pháp luật', 'c', D(5), 'none', 1],
    ['Đăng ký hoạt động văn phòng công chứng', 'p', D(10), 'partial', 1],
  ],
  'Lao động - Thương binh và Xã hội': [
    ['Giải quyết hưởng trợ cấp thất nghiệp', 'p', D(20), 'full', 15],
    ['Xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình', 'c', D(5), 'partial', 6],
    ['Trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội', 'cd', D(15), 'partial', 10],
    ['Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội', 'cd', D(5), 'partial', 6],
    ['Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm', 'c', D(10), 'partial', 5],
    ['Đăng ký nội quy lao động', 'p', D(7), 'full', 2],
    ['Cấp giấy phép lao động cho người lao động nước ngoài', 'p', D(5), 'full', 3],
    ['Giải quyết chế độ người có công', 'cd', D(15), 'partial', 4],
  ],
  'Văn hóa - Thể thao - Du lịch': [
    ['Cấp giấy phép kinh doanh karaoke', 'd', D(5), 'partial', 1],
    ['Thông báo tổ chức lễ hội cấp xã', 'c', D(5), 'partial', 2],
    ['Công nhận gia đình văn hóa', 'c', D(5), 'none', 3],
    ['Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa', 'p', D(10), 'full', 1],
    ['Cấp giấy phép tổ chức biểu diễn nghệ thuật', 'p', D(5), 'full', 2],
  ],
  'Nông nghiệp': [
    ['Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai', 'cd', D(10), 'none', 3],
    ['Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản', 'dp', D(15), 'partial', 2],
    ['Phê duyệt kế hoạch khuyến nông địa phương', 'd', D(10), 'none', 1],
    ['Đăng ký kê khai khai thác thủy sản', 'c', D(3), 'partial', 1],
  ],
  'Giao thông vận tải': [
    ['Cấp giấy phép lái xe', 'p', D(10), 'full', 20],
    ['Đổi giấy phép lái xe', 'p', D(5), 'full', 25],
    ['Cấp phép thi công công trình đường bộ', 'dp', D(7), 'partial', 2],
    ['Đăng ký phương tiện thủy nội địa', 'dp', D(3), 'partial', 2],
  ],
  'Nội vụ': [
    ['Thủ tục xét tặng danh hiệu Lao động tiên tiến', 'cd', D(20), 'none', 1],
    ['Thủ tục đăng ký hoạt động tín ngưỡng', 'c', D(15), 'none', 1],
    ['Thông báo thuyên chuyển chức sắc, chức việc', 'd', D(10), 'none', 1],
  ],
  'Y tế': [
    ['Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh', 'p', D(30), 'partial', 3],
    ['Cấp giấy phép hoạt động cơ sở khám bệnh, chữa bệnh', 'p', D(30), 'partial', 1],
    ['Cấp chứng chỉ hành nghề dược', 'p', D(20), 'full', 2],
  ],
};

const LEVEL_NAMES: Record<ReceivingLevel, string> = { commune: 'cấp xã', district: 'cấp huyện', province: 'cấp tỉnh' };
const LEVEL_OF: Record<string, ReceivingLevel> = { c: 'commune', d: 'district', p: 'province' };

/** Variants a catalogue lists separately (same steps, different subject): stretch to a few hundred. */
const VARIANTS = ['', ' (trường hợp trực tuyến liên thông)', ' (trường hợp cấp lại)'];

/** The procedure catalogue (deterministic, the same for every seed). */
export function procedureCatalogue(): SimProcedure[] {
  const out: SimProcedure[] = [];
  let n = 0;
  for (const [field, bases] of Object.entries(SECTORS)) {
    for (const [name, levels, time, online, weight] of bases) {
      const lv = [...levels].map((c) => LEVEL_OF[c]);
      for (const level of lv) {
        VARIANTS.forEach((variant, v) => {
          // the variants are rarer; "cấp lại" only for permits and certificates
          if (v === 2 && !/^Cấp/.test(name)) return;
          if (v === 1 && online === 'none') return;
          n++;
          out.push({
            code: `1.${String(1000 + ((n * 7919) % 9000)).padStart(6, '0')}`,
            name: `${name}${lv.length > 1 ? ` – ${LEVEL_NAMES[level]}` : ''}${variant}`,
            field,
            processingTime: v === 2 && time.unit === 'working_day' ? { amount: Math.max(1, Math.round(time.amount * 0.5)), unit: 'working_day' } : time,
            onlineLevel: v === 1 ? 'full' : online,
            level,
            weight: v === 0 ? weight : weight * 0.08,
          });
        });
      }
    }
  }
  return out;
}
