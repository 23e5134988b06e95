/** Reads `GET /statistics?format=xlsx` back with exceljs and compares every cell with the JSON (issue #18). */
import ExcelJS from 'exceljs';
import type { Harness } from '../../support/api-harness';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Blocks {
  received: { total: number; carriedOver: number; byChannel: { direct: number; online: number; postal: number } };
  resolved: { total: number; early: number; onTime: number; late: number; rate: number | null; withinDeadlineRate: number | null; lateRate: number | null };
  pending: { total: number; withinTime: number; overdue: number; rate: number | null };
  withdrawn: number;
  indicators?: Record<string, number | null>;
}
type Row = Blocks & { key: string; name: string; own?: boolean };

/** The Biểu 06 figures of a JSON block, in the order of the sheet's columns (written independently of the exporter). */
const figures = (b: Blocks) => [
  b.received.total,
  b.received.byChannel.online,
  b.received.byChannel.direct + b.received.byChannel.postal,
  b.received.carriedOver,
  b.resolved.total,
  b.resolved.early,
  b.resolved.onTime,
  b.resolved.late,
  b.pending.total,
  b.pending.withinTime,
  b.pending.overdue,
  b.withdrawn,
  b.resolved.rate,
  b.resolved.withinDeadlineRate,
  b.resolved.lateRate,
  b.pending.rate,
];
const INDICATORS = [
  'averageProcessingWorkingDays',
  'onlineShare',
  'earlyOrOnTimeRate',
  'returned',
  'awaitingCollection',
  'refusedAtReception',
  'supplementRequestsLate',
  'digitised',
  'digitisedShare',
  'electronicResults',
  'electronicResultShare',
  'feeDue',
  'feePaidOnline',
  'feePaidOnlineShare',
];

export async function xlsxRoundTrip(h: Harness, url: string, token: string, groupBy: 'unit' | 'field' | 'procedure', byAccept = false) {
  const json = (await h.request('GET', url, { token })).body as Blocks & {
    rows: Row[];
    levelSubtotals?: (Blocks & { name: string })[];
    unitCode: string;
    from: string;
    to: string;
  };
  const res = await h.app
    .getHttpAdapter()
    .getInstance()
    .inject({
      method: 'GET',
      url: `/api/v1${byAccept ? url : `${url}&format=xlsx`}`,
      headers: { authorization: `Bearer ${token}`, ...(byAccept && { accept: XLSX }) },
    });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe(XLSX);
  expect(res.headers['content-disposition']).toBe(`attachment; filename="bieu-06-${json.unitCode}-${json.from}-${json.to}.xlsx"`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('Biểu 06')!;
  const keyCols = groupBy === 'field' ? 1 : 2;
  const first = 2 + keyCols;

  // the official header: merged blocks over their columns, the others over both header rows
  expect(String(ws.getCell(1, 1).value)).toBe('TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH');
  const [d1, m1, y1] = [json.from.slice(8), json.from.slice(5, 7), json.from.slice(0, 4)];
  expect(String(ws.getCell(2, 1).value)).toContain(`từ ngày ${d1}/${m1}/${y1}`);
  const blocks: [string, number][] = [
    ['Số hồ sơ nhận giải quyết', 4],
    ['Số hồ sơ đã giải quyết', 4],
    ['Số hồ sơ đang giải quyết', 3],
  ];
  let c = first;
  for (const [title, span] of blocks) {
    expect(ws.getCell(4, c).value).toBe(title);
    for (let k = c; k < c + span; k++) expect(ws.getCell(4, k).master.address).toBe(ws.getCell(4, c).address);
    expect(ws.getCell(4, c + span).master.address).not.toBe(ws.getCell(4, c).address);
    c += span;
  }
  expect(ws.getCell(5, first).value).toBe('Tổng số');
  expect(ws.getCell(5, first + 5).value).toBe('Trước hạn');
  for (let k = 1; k < first; k++) expect(ws.getCell(5, k).master.address).toBe(ws.getCell(4, k).address);
  expect(ws.getCell(4, 1).value).toBe('STT');
  expect(ws.getCell(4, first + 11).value).toBe('Đã rút');
  expect(ws.getCell(5, first + 11).master.address).toBe(ws.getCell(4, first + 11).address);
  expect(ws.getCell(6, 1).value).toBe('(1)');

  // every data cell: rows, level subtotals, total
  const lines: { stt: number | null; keys: string[]; b: Blocks }[] = [
    ...json.rows.map((r, i) => ({
      stt: i + 1,
      keys: groupBy === 'field' ? [r.own ? `${r.name} (tại đơn vị)` : r.name] : [r.key, r.own ? `${r.name} (tại đơn vị)` : r.name],
      b: r,
    })),
    ...(json.levelSubtotals ?? []).map((s) => ({ stt: null, keys: groupBy === 'field' ? [s.name] : ['', s.name], b: s })),
    { stt: null, keys: groupBy === 'field' ? ['Tổng cộng'] : ['', 'Tổng cộng'], b: json },
  ];
  const blank = (v: unknown) => (v === undefined || v === '' ? null : v);
  lines.forEach((line, i) => {
    const row = ws.getRow(7 + i);
    expect(blank(row.getCell(1).value)).toBe(line.stt);
    line.keys.forEach((k, j) => expect(blank(row.getCell(2 + j).value) ?? '').toBe(k));
    const got = figures(line.b).map((_, j) => blank(row.getCell(first + j).value));
    expect(got).toEqual(figures(line.b));
    expect(row.getCell(first).numFmt).toBe('#,##0');
    expect(row.getCell(first + 12).numFmt).toBe('0.00');
  });
  expect(ws.getRow(7 + lines.length).getCell(first).value ?? null).toBeNull();
  expect(ws.getRow(7 + lines.length - 1).getCell(2).font?.bold).toBe(true);

  // the indicators sheet, the same lines
  const wi = wb.getWorksheet('Chỉ số QĐ 766')!;
  lines.forEach((line, i) => {
    const row = wi.getRow(2 + i);
    const ind = (line.b as Blocks).indicators ?? {};
    expect(INDICATORS.map((_, j) => blank(row.getCell(first + j).value))).toEqual(INDICATORS.map((k) => ind[k] ?? null));
  });
}
