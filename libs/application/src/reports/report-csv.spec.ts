import { csvField, REPORT_CSV_HEADERS, reportCsvFilename, reportToCsv } from './report-csv';
import { assembleReport, emptyCounts, reportPeriod } from './report';

/** A minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF) to read the CSV back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

describe('the report as CSV (Biểu 06 columns)', () => {
  const p = reportPeriod('2025-01-01', '2025-03-31');
  const counts = (o: Partial<ReturnType<typeof emptyCounts>>) => ({ ...emptyCounts(), ...o });
  const a = counts({ newInPeriod: 3500, carriedOver: 339, direct: 2000, online: 1400, postal: 100, early: 1196, onTime: 2000, late: 281, withinTime: 362 });
  const own = counts({ newInPeriod: 1, direct: 1, withdrawn: 1 });
  const total = counts({ ...a, newInPeriod: 3501, direct: 2001, withdrawn: 1 });
  const report = assembleReport('000.00.27.H29', p, total, [
    { key: { key: 'W.1', name: 'Phường "Bến Nghé", Quận 1' }, counts: a },
    { key: { key: '000.00.27.H29', name: '=Quận 1', own: true }, counts: own },
  ]);

  it('has a BOM, CRLF lines, the headers in Biểu 06 order, a row per `rows` entry and the total', () => {
    const csv = reportToCsv(report, 'unit');
    expect(csv.startsWith('\uFEFFMã đơn vị,Đơn vị,Tổng số nhận,Trực tuyến,Trực tiếp và bưu chính,Từ kỳ trước,Đã giải quyết - Tổng số,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual(REPORT_CSV_HEADERS('unit'));
    expect(rows.map((r) => r.length)).toEqual(rows.map(() => rows[0].length));
    // the own row sorts first, as in the JSON; its name is guarded against formulas
    expect(rows[1].slice(0, 2)).toEqual(['000.00.27.H29', "'=Quận 1 (tại đơn vị)"]);
    expect(rows[2]).toEqual([
      'W.1',
      'Phường "Bến Nghé", Quận 1',
      '3839',
      '1400',
      '2100',
      '339',
      '3477',
      '1196',
      '2000',
      '281',
      '362',
      '362',
      '0',
      '0',
      '90.57',
      '91.92',
      '8.08',
      '9.43',
    ]);
    expect(rows[3].slice(0, 3)).toEqual(['', 'Tổng cộng', '3840']);
    expect(rows[1].slice(-4)).toEqual(['0.00', '', '', '0.00']); // withdrawn only: rates over zero are empty
    expect(rows).toHaveLength(4);
  });

  it('groups by field with one key column, by procedure with two', () => {
    expect(parseCsv(reportToCsv({ ...report, rows: [] }, 'field').slice(1))).toEqual([REPORT_CSV_HEADERS('field'), expect.arrayContaining(['Tổng cộng'])]);
    expect(REPORT_CSV_HEADERS('field')[0]).toBe('Lĩnh vực');
    expect(REPORT_CSV_HEADERS('procedure').slice(0, 2)).toEqual(['Mã thủ tục', 'Thủ tục']);
  });

  it('escapes fields per RFC 4180', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
    expect(csvField(null)).toBe('');
    expect(reportCsvFilename(report)).toBe('bieu-06-000.00.27.H29-2025-01-01-2025-03-31.csv');
  });
});
