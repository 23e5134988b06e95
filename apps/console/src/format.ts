/** Vietnamese formats: dates dd/MM/yyyy HH:mm in the unit's time zone, numbers 3.839 and 90,57%. */
export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function partsIn(date: Date, timeZone: string): Record<string, string> {
  let f = dateTimeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dateTimeFormats.set(timeZone, f);
  }
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** `dd/MM/yyyy HH:mm` in `timeZone` (empty for no value). */
export function fmtDateTime(iso: string | undefined | null, timeZone = DEFAULT_TIME_ZONE): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = partsIn(d, timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** `dd/MM/yyyy` of a local date `yyyy-MM-dd`. */
export function fmtLocalDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/** The local date (yyyy-MM-dd) of an instant in `timeZone`. */
export function localDate(at: Date, timeZone = DEFAULT_TIME_ZONE): string {
  const p = partsIn(at, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The zone's offset from UTC at `at`, in ms. */
function offsetMs(at: Date, timeZone: string): number {
  const p = partsIn(at, timeZone);
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** A `<input type="datetime-local">` value read in the unit's zone → ISO-8601 instant. */
export function localInputToIso(value: string, timeZone = DEFAULT_TIME_ZONE): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return value;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let at = guess - offsetMs(new Date(guess), timeZone);
  at = guess - offsetMs(new Date(at), timeZone); // second pass: across a DST change
  return new Date(at).toISOString();
}

/** An instant → the `<input type="datetime-local">` value in the unit's zone. */
export function isoToLocalInput(iso: string, timeZone = DEFAULT_TIME_ZONE): string {
  const p = partsIn(new Date(iso), timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

const integer = new Intl.NumberFormat('vi-VN');
const twoDecimals = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function fmtNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : integer.format(n);
}

/** A rate the API computed (a percentage with 2 decimals, or null over zero): `90,57%`, `—`. */
export function fmtRate(r: number | null | undefined): string {
  return r === null || r === undefined ? '—' : `${twoDecimals.format(r)}%`;
}

/** Lower case without Vietnamese accents (đ → d), for search as a clerk types. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'd')
    .toLowerCase();
}

/** `yyyy-MM-dd[THH:mm]` → `dd/MM/yyyy[ HH:mm]` */
export function toDisplay(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value);
  if (!m) return '';
  return `${m[3]}/${m[2]}/${m[1]}${m[4] ? ` ${m[4]}:${m[5]}` : ''}`;
}

/** `dd/MM/yyyy[ HH:mm]` (also `d/M/yyyy`, `-` or `.` as separators) → `yyyy-MM-dd[THH:mm]`, or undefined when not a real date. */
export function fromDisplay(text: string, withTime: boolean): string | undefined {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2})[:h](\d{2}))?\s*$/.exec(text);
  if (!m) return undefined;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  const p = (n: number) => String(n).padStart(2, '0');
  const day = `${y}-${p(mo)}-${p(d)}`;
  if (!withTime) return m[4] ? undefined : day;
  const [h, mi] = [Number(m[4] ?? 0), Number(m[5] ?? 0)];
  if (h > 23 || mi > 59) return undefined;
  return `${day}T${p(h)}:${p(mi)}`;
}

/** `Tuần lễ … ngay trong ngày` → `tuan-le-ngay-trong-ngay`: an id the API accepts (letters, digits, "-"; at most 60). */
export function slug(text: string): string {
  return fold(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}
