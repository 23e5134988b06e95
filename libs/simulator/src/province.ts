/**
 * A made-up province shaped like a real one: before 1 July 2025 province → districts (huyện, thị
 * xã, thành phố) → communes (xã, phường, thị trấn); from 1 July 2025 (Nghị định 118/2025, two-tier
 * local government) the districts are closed and the old communes merged about three into one into
 * new communes directly under the province. Every unit carries its validity dates.
 */
import { Rng } from './rng';

export interface SimUnit {
  code: string;
  name: string;
  level: 'province' | 'district' | 'commune';
  parentCode?: string;
  timeZone: string;
  officeHours: { sessions: { start: string; end: string }[] };
  validFrom?: string;
  validTo?: string;
  /** Relative population (share of the dossiers received there, among units of its level). */
  weight: number;
  /** New communes: the old communes merged into it. */
  mergedFrom?: string[];
}

export const REFORM_DATE = '2025-07-01';
export const LAST_DAY_BEFORE_REFORM = '2025-06-30';
export const PROVINCE_CODE = '000.00.00.H99';
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const OFFICE_HOURS = {
  sessions: [
    { start: '07:30', end: '11:30' },
    { start: '13:00', end: '17:00' },
  ],
};

const SYLLABLES = [
  'An',
  'Bình',
  'Hòa',
  'Phú',
  'Tân',
  'Long',
  'Thạnh',
  'Mỹ',
  'Hưng',
  'Lộc',
  'Phước',
  'Thuận',
  'Đông',
  'Tây',
  'Nam',
  'Bắc',
  'Trung',
  'Vĩnh',
  'Hiệp',
  'Thành',
  'Quang',
  'Minh',
  'Đức',
  'Sơn',
  'Hải',
  'Thủy',
  'Lợi',
  'Khánh',
  'Thới',
  'Hậu',
  'Định',
  'Xuân',
  'Cát',
  'Lâm',
  'Kim',
  'Ninh',
  'Hội',
  'Tường',
  'Nghĩa',
  'Phong',
  'Thắng',
  'Gia',
  'Điền',
  'Hòa',
  'Quý',
  'Thọ',
];

function placeName(rng: Rng, used: Set<string>): string {
  for (;;) {
    const a = rng.pick(SYLLABLES);
    const b = rng.pick(SYLLABLES);
    if (a === b) continue;
    const name = `${a} ${b}`;
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
}

export interface Province {
  province: SimUnit;
  districts: SimUnit[];
  /** Communes of the old tree (until 30 June 2025). */
  oldCommunes: SimUnit[];
  /** Communes of the two-tier tree (from 1 July 2025), directly under the province. */
  newCommunes: SimUnit[];
  /** Every unit, parents before children (the order to PUT them). */
  all: SimUnit[];
}

export function generateProvince(rng: Rng, opts: { districts?: number } = {}): Province {
  const used = new Set<string>();
  const base = { timeZone: TIME_ZONE, officeHours: OFFICE_HOURS };
  const province: SimUnit = { code: PROVINCE_CODE, name: 'UBND tỉnh Bình An', level: 'province', ...base, weight: 1 };
  const districts: SimUnit[] = [];
  const oldCommunes: SimUnit[] = [];
  const nDistricts = opts.districts ?? 9;
  for (let d = 0; d < nDistricts; d++) {
    const kind = d === 0 ? 'Thành phố' : d === 1 ? 'Thị xã' : 'Huyện';
    const code = `000.00.${String(11 + d).padStart(2, '0')}.H99`;
    const district: SimUnit = {
      code,
      name: `UBND ${kind.toLowerCase()} ${placeName(rng, used)}`,
      level: 'district',
      parentCode: PROVINCE_CODE,
      ...base,
      validTo: LAST_DAY_BEFORE_REFORM,
      weight: d === 0 ? 2.2 : rng.range(0.6, 1.4),
    };
    districts.push(district);
    const nCommunes = d === 0 ? 16 : rng.int(11, 19);
    for (let c = 0; c < nCommunes; c++) {
      const urban = d === 0 || (d === 1 && c < 6) || c === 0;
      const kindC = d === 0 || (d === 1 && c < 6) ? 'phường' : c === 0 ? 'thị trấn' : 'xã';
      oldCommunes.push({
        code: `000.${String(11 + d).padStart(2, '0')}.${String(c + 1).padStart(2, '0')}.H99`,
        name: `UBND ${kindC} ${placeName(rng, used)}`,
        level: 'commune',
        parentCode: code,
        ...base,
        validTo: LAST_DAY_BEFORE_REFORM,
        weight: (urban ? rng.range(1.2, 2.5) : rng.range(0.4, 1.2)) * district.weight,
      });
    }
  }
  // The reform: merge the old communes of each district, about three into one.
  const newCommunes: SimUnit[] = [];
  for (const district of districts) {
    const olds = oldCommunes.filter((c) => c.parentCode === district.code);
    for (let i = 0; i < olds.length;) {
      const take = Math.min(olds.length - i, olds.length - i === 4 ? 2 : rng.int(2, 4));
      const group = olds.slice(i, i + take);
      i += take;
      const n = newCommunes.length;
      const urban = group.some((g) => g.name.includes('phường'));
      newCommunes.push({
        code: `000.${90 + Math.floor(n / 99)}.${String((n % 99) + 1).padStart(2, '0')}.H99`,
        name: `UBND ${urban ? 'phường' : 'xã'} ${placeName(rng, used)}`,
        level: 'commune',
        parentCode: PROVINCE_CODE,
        ...base,
        validFrom: REFORM_DATE,
        // the new commune also takes over the district's work: its share of the district's own weight
        weight: group.reduce((s, g) => s + g.weight, 0),
        mergedFrom: group.map((g) => g.code),
      });
    }
  }
  return { province, districts, oldCommunes, newCommunes, all: [province, ...districts, ...oldCommunes, ...newCommunes] };
}

/** The body of `PUT /units/{code}` for a unit. */
export interface UnitPutBody {
  name: string;
  level: SimUnit['level'];
  parentCode?: string;
  timeZone: string;
  officeHours: SimUnit['officeHours'];
  validFrom?: string;
  validTo?: string;
  /** The 2025 merge (issue #16): the old communes a new commune took over on `validFrom`. */
  predecessors?: string[];
}

export function unitPutBody(u: SimUnit): UnitPutBody {
  return {
    name: u.name,
    level: u.level,
    ...(u.parentCode && { parentCode: u.parentCode }),
    timeZone: u.timeZone,
    officeHours: u.officeHours,
    ...(u.validFrom && { validFrom: u.validFrom }),
    ...(u.validTo && { validTo: u.validTo }),
    ...(u.mergedFrom && u.mergedFrom.length > 0 && { predecessors: [...u.mergedFrom] }),
  };
}

/** The body of `POST /units/{code}/succession` for each old commune: its new commune, from the reform day. */
export function successionsOf(province: Province): { code: string; successorCode: string; effectiveDate: string }[] {
  return province.newCommunes.flatMap((n) => (n.mergedFrom ?? []).map((code) => ({ code, successorCode: n.code, effectiveDate: REFORM_DATE })));
}
