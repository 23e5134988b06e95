/**
 * The report as CSV for spreadsheets (`GET /statistics?format=csv` or `Accept: text/csv`), with
 * the columns of Biểu 06/VPCP/KSTT (domain.md "The official report") in their order.
 *
 * Conventions (fixed, so that importers can rely on them):
 * - UTF-8 with a byte-order mark (Excel then reads Vietnamese correctly), RFC 4180: comma
 *   separator, CRLF line ends, a field is quoted (`"`, inner `"` doubled) when it holds a comma,
 *   a quote, CR or LF, or starts or ends with a space.
 * - One header row; then one row per `rows` entry in the JSON order; then the total row, named
 *   "Tổng cộng".
 * - Counts are plain integers; rates are percentages with exactly two decimals and a dot as the
 *   decimal separator (`90.57`), as in the JSON; a rate over zero (JSON `null`) is an empty cell.
 * - Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
 *   is prefixed with `'` (OWASP CSV injection).
 * - The row of a unit's own dossiers (`own: true`) is named "<name> (tại đơn vị)".
 */
import type { Report, ReportBlocks } from './report';

export type CsvGroupBy = 'unit' | 'field' | 'procedure';

const BOM = '\uFEFF';

/** Leading columns per `groupBy`. */
const KEY_HEADERS: Record<CsvGroupBy, string[]> = {
  unit: ['Mã đơn vị', 'Đơn vị'],
  field: ['Lĩnh vực'],
  procedure: ['Mã thủ tục', 'Thủ tục'],
};

/** The count columns (Biểu 06 order), then withdrawn and the rates. */
const COLUMNS: [header: string, value: (b: ReportBlocks) => number | null][] = [
  ['Tổng số nhận', (b) => b.received.total],
  ['Trực tuyến', (b) => b.received.byChannel.online],
  ['Trực tiếp và bưu chính', (b) => b.received.byChannel.direct + b.received.byChannel.postal],
  ['Từ kỳ trước', (b) => b.received.carriedOver],
  ['Đã giải quyết - Tổng số', (b) => b.resolved.total],
  ['Đã giải quyết - Trước hạn', (b) => b.resolved.early],
  ['Đã giải quyết - Đúng hạn', (b) => b.resolved.onTime],
  ['Đã giải quyết - Quá hạn', (b) => b.resolved.late],
  ['Đang giải quyết - Tổng số', (b) => b.pending.total],
  ['Đang giải quyết - Trong hạn', (b) => b.pending.withinTime],
  ['Đang giải quyết - Quá hạn', (b) => b.pending.overdue],
  ['Đã rút', (b) => b.withdrawn],
  ['Tỷ lệ đã giải quyết (%)', (b) => b.resolved.rate],
  ['Tỷ lệ trước hạn và đúng hạn (%)', (b) => b.resolved.withinDeadlineRate],
  ['Tỷ lệ quá hạn (%)', (b) => b.resolved.lateRate],
  ['Tỷ lệ đang giải quyết (%)', (b) => b.pending.rate],
];
const RATE_FROM = COLUMNS.findIndex(([h]) => h.startsWith('Tỷ lệ'));

export const REPORT_CSV_HEADERS = (groupBy: CsvGroupBy): string[] => [...KEY_HEADERS[groupBy], ...COLUMNS.map(([h]) => h)];

/** One CSV field (RFC 4180), with the formula guard for text. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^ | $/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const rate = (v: number | null) => (v === null ? null : v.toFixed(2));

function line(keys: string[], b: ReportBlocks): string {
  const values = COLUMNS.map(([, f], i) => {
    const v = f(b);
    return i >= RATE_FROM ? (rate(v) ?? '') : csvField(v);
  });
  return [...keys.map(csvField), ...values].join(',');
}

/** The whole CSV document (with BOM and a final CRLF). */
export function reportToCsv(report: Report, groupBy: CsvGroupBy): string {
  const out = [REPORT_CSV_HEADERS(groupBy).map(csvField).join(',')];
  for (const r of report.rows) {
    const name = r.own ? `${r.name} (tại đơn vị)` : r.name;
    out.push(line(groupBy === 'field' ? [name] : [r.key, name], r));
  }
  const { rows: _rows, unitCode: _u, from: _f, to: _t, ...total } = report;
  out.push(line(groupBy === 'field' ? ['Tổng cộng'] : ['', 'Tổng cộng'], total));
  return BOM + out.join('\r\n') + '\r\n';
}

/** `bieu-06-<unit>-<from>-<to>.csv` (unit codes are [\w.-] only). */
export function reportCsvFilename(report: Pick<Report, 'unitCode' | 'from' | 'to'>): string {
  return `bieu-06-${report.unitCode.replace(/[^\w.-]/g, '_')}-${report.from}-${report.to}.csv`;
}
