/**
 * The report as an Excel workbook (`GET /statistics?format=xlsx` or `Accept` of the xlsx type;
 * issue #18), with exceljs: sheet "Biểu 06" in the layout offices file (Biểu 06/VPCP/KSTT,
 * Thông tư 01/2020/TT-VPCP): title and period, a two-level header with merged cells (the three
 * blocks "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết" over
 * their columns; STT, the key columns, "Đã rút" and the rates merged over both header rows), the
 * column-number row "(1) (2) …", one row per `rows` entry in the JSON order, the level subtotals
 * when the report has them, and the total row "Tổng cộng" in bold. Counts use `#,##0`, rates the
 * JSON's percentages with `0.00` (a rate over zero is an empty cell). Sheet "Chỉ số QĐ 766": the
 * indicators per row and in total. Same figures as the JSON, by construction (read from it).
 */
import ExcelJS from 'exceljs';
import type { CsvGroupBy, Indicators, Report, ReportBlocks } from '@motcua/application';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Value = (b: ReportBlocks) => number | null;

/** Biểu 06 columns after the key columns: [block header or null, sub header, value, is a rate]. */
export const XLSX_COLUMNS: [group: string | null, header: string, value: Value, rate: boolean][] = [
  ['Số hồ sơ nhận giải quyết', 'Tổng số', (b) => b.received.total, false],
  ['Số hồ sơ nhận giải quyết', 'Trực tuyến', (b) => b.received.byChannel.online, false],
  ['Số hồ sơ nhận giải quyết', 'Trực tiếp và bưu chính', (b) => b.received.byChannel.direct + b.received.byChannel.postal, false],
  ['Số hồ sơ nhận giải quyết', 'Từ kỳ trước', (b) => b.received.carriedOver, false],
  ['Số hồ sơ đã giải quyết', 'Tổng số', (b) => b.resolved.total, false],
  ['Số hồ sơ đã giải quyết', 'Trước hạn', (b) => b.resolved.early, false],
  ['Số hồ sơ đã giải quyết', 'Đúng hạn', (b) => b.resolved.onTime, false],
  ['Số hồ sơ đã giải quyết', 'Quá hạn', (b) => b.resolved.late, false],
  ['Số hồ sơ đang giải quyết', 'Tổng số', (b) => b.pending.total, false],
  ['Số hồ sơ đang giải quyết', 'Trong hạn', (b) => b.pending.withinTime, false],
  ['Số hồ sơ đang giải quyết', 'Quá hạn', (b) => b.pending.overdue, false],
  [null, 'Đã rút', (b) => b.withdrawn, false],
  [null, 'Tỷ lệ đã giải quyết (%)', (b) => b.resolved.rate, true],
  [null, 'Tỷ lệ trước hạn và đúng hạn (%)', (b) => b.resolved.withinDeadlineRate, true],
  [null, 'Tỷ lệ quá hạn (%)', (b) => b.resolved.lateRate, true],
  [null, 'Tỷ lệ đang giải quyết (%)', (b) => b.pending.rate, true],
];

/** The indicators sheet: [header, value, format]. */
export const XLSX_INDICATOR_COLUMNS: [header: string, value: (i: Indicators) => number | null, format: string][] = [
  ['Thời gian giải quyết trung bình (ngày làm việc)', (i) => i.averageProcessingWorkingDays, '0.0'],
  ['Tỷ lệ hồ sơ trực tuyến (%)', (i) => i.onlineShare, '0.00'],
  ['Tỷ lệ trước hạn và đúng hạn (%)', (i) => i.earlyOrOnTimeRate, '0.00'],
  ['Đã trả kết quả', (i) => i.returned, '#,##0'],
  ['Chờ trả kết quả', (i) => i.awaitingCollection, '#,##0'],
  ['Từ chối tiếp nhận', (i) => i.refusedAtReception, '#,##0'],
  ['Yêu cầu bổ sung quá 3 ngày làm việc', (i) => i.supplementRequestsLate, '#,##0'],
  ['Số hồ sơ số hoá khi tiếp nhận', (i) => i.digitised, '#,##0'],
  ['Tỷ lệ số hoá (%)', (i) => i.digitisedShare, '0.00'],
  ['Kết quả điện tử', (i) => i.electronicResults, '#,##0'],
  ['Tỷ lệ kết quả điện tử (%)', (i) => i.electronicResultShare, '0.00'],
  ['Hồ sơ phải nộp phí, lệ phí', (i) => i.feeDue, '#,##0'],
  ['Nộp phí trực tuyến', (i) => i.feePaidOnline, '#,##0'],
  ['Tỷ lệ nộp phí trực tuyến (%)', (i) => i.feePaidOnlineShare, '0.00'],
];

const KEY_HEADERS: Record<CsvGroupBy, string[]> = {
  unit: ['Mã đơn vị', 'Đơn vị'],
  field: ['Lĩnh vực'],
  procedure: ['Mã thủ tục', 'Thủ tục'],
};

/** Where things are on sheet "Biểu 06" (1-based), for readers and tests. */
export const XLSX_LAYOUT = { titleRow: 1, periodRow: 2, groupHeaderRow: 4, headerRow: 5, numberRow: 6, firstDataRow: 7 } as const;

const vnDate = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

/** One line of the sheet: [STT, ...keys, ...values]; `level` rows (subtotals) carry no STT. */
export interface XlsxLine {
  stt: number | string | null;
  keys: string[];
  blocks: ReportBlocks;
  indicators?: Indicators;
  bold?: boolean;
}

/** The lines of the sheet in order: the rows, then any level subtotals, then the total. */
export function xlsxLines(report: Report, groupBy: CsvGroupBy): XlsxLine[] {
  const lines: XlsxLine[] = report.rows.map((r, i) => {
    const name = r.own ? `${r.name} (tại đơn vị)` : r.name;
    return { stt: i + 1, keys: groupBy === 'field' ? [name] : [r.key, name], blocks: r, indicators: r.indicators };
  });
  for (const s of report.levelSubtotals ?? []) {
    lines.push({ stt: null, keys: groupBy === 'field' ? [s.name] : ['', s.name], blocks: s, indicators: s.indicators, bold: true });
  }
  const { rows: _r, unitCode: _u, from: _f, to: _t, ...total } = report;
  lines.push({ stt: null, keys: groupBy === 'field' ? ['Tổng cộng'] : ['', 'Tổng cộng'], blocks: total, indicators: report.indicators, bold: true });
  return lines;
}

export async function reportToXlsx(report: Report, groupBy: CsvGroupBy, unitName: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'motcua';
  const ws = wb.addWorksheet('Biểu 06', { views: [{ state: 'frozen', ySplit: XLSX_LAYOUT.numberRow }] });
  const keys = KEY_HEADERS[groupBy];
  const first = 2 + keys.length; // STT, keys, then the Biểu 06 columns
  const width = first - 1 + XLSX_COLUMNS.length;
  const thin = { style: 'thin' as const };
  const border = { top: thin, left: thin, bottom: thin, right: thin };
  const center = { horizontal: 'center' as const, vertical: 'middle' as const, wrapText: true };

  ws.mergeCells(XLSX_LAYOUT.titleRow, 1, XLSX_LAYOUT.titleRow, width);
  const title = ws.getCell(XLSX_LAYOUT.titleRow, 1);
  title.value = 'TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH';
  title.font = { bold: true, size: 14 };
  title.alignment = center;
  ws.mergeCells(XLSX_LAYOUT.periodRow, 1, XLSX_LAYOUT.periodRow, width);
  const period = ws.getCell(XLSX_LAYOUT.periodRow, 1);
  period.value = `${unitName} (${report.unitCode}) — Kỳ báo cáo: từ ngày ${vnDate(report.from)} đến ngày ${vnDate(report.to)}`;
  period.alignment = center;

  const g = XLSX_LAYOUT.groupHeaderRow;
  const h = XLSX_LAYOUT.headerRow;
  // STT and the key columns span both header rows
  ['STT', ...keys].forEach((text, i) => {
    ws.mergeCells(g, i + 1, h, i + 1);
    ws.getCell(g, i + 1).value = text;
  });
  // the three blocks over their columns; the other columns span both header rows
  let c = first;
  while (c < first + XLSX_COLUMNS.length) {
    const [group] = XLSX_COLUMNS[c - first];
    if (group === null) {
      ws.mergeCells(g, c, h, c);
      ws.getCell(g, c).value = XLSX_COLUMNS[c - first][1];
      c++;
      continue;
    }
    let end = c;
    while (end + 1 < first + XLSX_COLUMNS.length && XLSX_COLUMNS[end + 1 - first][0] === group) end++;
    ws.mergeCells(g, c, g, end);
    ws.getCell(g, c).value = group;
    for (let k = c; k <= end; k++) ws.getCell(h, k).value = XLSX_COLUMNS[k - first][1];
    c = end + 1;
  }
  for (let k = 1; k <= width; k++) {
    ws.getCell(XLSX_LAYOUT.numberRow, k).value = `(${k})`;
    for (const r of [g, h, XLSX_LAYOUT.numberRow]) {
      const cell = ws.getCell(r, k);
      cell.font = { bold: r !== XLSX_LAYOUT.numberRow, italic: r === XLSX_LAYOUT.numberRow };
      cell.alignment = center;
      cell.border = border;
    }
  }
  ws.getRow(h).height = 45;

  const lines = xlsxLines(report, groupBy);
  lines.forEach((line, i) => {
    const row = ws.getRow(XLSX_LAYOUT.firstDataRow + i);
    row.getCell(1).value = line.stt;
    line.keys.forEach((k, j) => (row.getCell(2 + j).value = k));
    XLSX_COLUMNS.forEach(([, , f, rate], j) => {
      const cell = row.getCell(first + j);
      cell.value = f(line.blocks);
      cell.numFmt = rate ? '0.00' : '#,##0';
    });
    for (let k = 1; k <= width; k++) {
      row.getCell(k).border = border;
      if (line.bold) row.getCell(k).font = { bold: true };
    }
  });
  ws.getColumn(1).width = 6;
  keys.forEach((_, j) => (ws.getColumn(2 + j).width = j === keys.length - 1 ? 36 : 16));
  for (let k = first; k <= width; k++) ws.getColumn(k).width = 12;

  // the indicators (QĐ 766), one line per row like the Biểu 06 sheet
  const wi = wb.addWorksheet('Chỉ số QĐ 766');
  wi.addRow(['STT', ...keys, ...XLSX_INDICATOR_COLUMNS.map(([t]) => t)]).font = { bold: true };
  for (const line of lines) {
    const row = wi.addRow([line.stt, ...line.keys, ...XLSX_INDICATOR_COLUMNS.map(([, f]) => (line.indicators ? f(line.indicators) : null))]);
    XLSX_INDICATOR_COLUMNS.forEach(([, , fmt], j) => (row.getCell(first + j).numFmt = fmt));
    if (line.bold) row.font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** `bieu-06-<unit>-<from>-<to>.xlsx`. */
export function reportXlsxFilename(report: Pick<Report, 'unitCode' | 'from' | 'to'>): string {
  return `bieu-06-${report.unitCode.replace(/[^\w.-]/g, '_')}-${report.from}-${report.to}.xlsx`;
}
