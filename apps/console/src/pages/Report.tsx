import { useEffect, useRef, useState } from 'preact/hooks';
import { call, getJson, problemText, query } from '../api';
import { ProblemBox, UnitSelect } from '../components';
import { DateInput } from '../DateInput';
import { fmtLocalDate, fmtNumber, fmtRate, localDate } from '../format';
import { presets } from '../periods';
import { Reference, timeZoneOf, unitName } from '../reference';
import { replaceParams, Route } from '../router';
import type { User } from '../session';

interface Blocks {
  received: { total: number; newInPeriod: number; carriedOver: number; byChannel: { direct: number; online: number; postal: number } };
  resolved: { total: number; early: number; onTime: number; late: number; rate: number | null; withinDeadlineRate: number | null; lateRate: number | null };
  pending: { total: number; withinTime: number; overdue: number; rate: number | null; inside?: number; outside?: number };
  withdrawn: number;
  apologies: { required: number; issued: number; issuedInTime: number; coverageRate: number | null };
  satisfaction: { responses: number; satisfiedRate: number | null };
}
interface Row extends Blocks {
  key: string;
  name: string;
  own?: true;
}
interface Report extends Blocks {
  unitCode: string;
  from: string;
  to: string;
  rows: Row[];
  indicators?: Record<string, number | null>;
}

/** The table's columns (Biểu 06 order): header, the API's field, how to show it. */
const COLUMNS: { head: string; group?: string; path: string; rate?: boolean }[] = [
  { head: 'Tổng số', group: 'Số hồ sơ nhận', path: 'received.total' },
  { head: 'Kỳ trước chuyển qua', group: 'Số hồ sơ nhận', path: 'received.carriedOver' },
  { head: 'Trực tuyến', group: 'Số hồ sơ nhận', path: 'received.byChannel.online' },
  { head: 'Trực tiếp', group: 'Số hồ sơ nhận', path: 'received.byChannel.direct' },
  { head: 'Bưu chính', group: 'Số hồ sơ nhận', path: 'received.byChannel.postal' },
  { head: 'Tổng số', group: 'Đã giải quyết', path: 'resolved.total' },
  { head: 'Trước hạn', group: 'Đã giải quyết', path: 'resolved.early' },
  { head: 'Đúng hạn', group: 'Đã giải quyết', path: 'resolved.onTime' },
  { head: 'Quá hạn', group: 'Đã giải quyết', path: 'resolved.late' },
  { head: 'Tổng số', group: 'Đang giải quyết', path: 'pending.total' },
  { head: 'Trong hạn', group: 'Đang giải quyết', path: 'pending.withinTime' },
  { head: 'Quá hạn', group: 'Đang giải quyết', path: 'pending.overdue' },
  { head: 'Đã rút', path: 'withdrawn' },
  { head: 'Tỷ lệ đúng hạn', path: 'resolved.withinDeadlineRate', rate: true },
];

function at(obj: unknown, path: string): number | null {
  let v: unknown = obj;
  for (const p of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[p];
  return typeof v === 'number' ? v : null;
}

const GROUP_LABEL = { unit: 'Đơn vị', field: 'Lĩnh vực', procedure: 'Thủ tục' } as const;

/** Under which unit a dossier counts: the one that resolves it (default) or the centre that received it. */
const PERSPECTIVE_LABEL = { competent: 'Cơ quan giải quyết', receiving: 'Nơi tiếp nhận' } as const;

const INDICATORS: { label: string; path: string; kind: 'rate' | 'number' | 'days' }[] = [
  { label: 'Tỷ lệ đã giải quyết', path: 'resolved.rate', kind: 'rate' },
  { label: 'Giải quyết trước và đúng hạn', path: 'resolved.withinDeadlineRate', kind: 'rate' },
  { label: 'Giải quyết quá hạn', path: 'resolved.lateRate', kind: 'rate' },
  { label: 'Đang giải quyết quá hạn', path: 'pending.overdue', kind: 'number' },
  { label: 'Đang giải quyết tại cơ quan chủ trì', path: 'pending.inside', kind: 'number' },
  { label: 'Đang ở cơ quan liên thông', path: 'pending.outside', kind: 'number' },
  { label: 'Xin lỗi khi trễ hạn', path: 'apologies.coverageRate', kind: 'rate' },
  { label: 'Hài lòng', path: 'satisfaction.satisfiedRate', kind: 'rate' },
  { label: 'Thời gian giải quyết trung bình (ngày làm việc)', path: 'indicators.averageProcessingWorkingDays', kind: 'days' },
  { label: 'Tỷ lệ nộp trực tuyến', path: 'indicators.onlineShare', kind: 'rate' },
  { label: 'Kết quả chờ trả', path: 'indicators.awaitingCollection', kind: 'number' },
  { label: 'Từ chối tiếp nhận', path: 'indicators.refusedAtReception', kind: 'number' },
  { label: 'Đã trả kết quả', path: 'indicators.returned', kind: 'number' },
  { label: 'Yêu cầu bổ sung quá 3 ngày', path: 'indicators.supplementRequestsLate', kind: 'number' },
  { label: 'Tỷ lệ số hoá khi tiếp nhận', path: 'indicators.digitisedShare', kind: 'rate' },
  { label: 'Tỷ lệ kết quả điện tử', path: 'indicators.electronicResultShare', kind: 'rate' },
  { label: 'Tỷ lệ nộp phí trực tuyến', path: 'indicators.feePaidOnlineShare', kind: 'rate' },
];

function show(v: number | null, kind: 'rate' | 'number' | 'days'): string {
  if (kind === 'rate') return fmtRate(v);
  if (kind === 'days') return v === null ? '—' : new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
  return fmtNumber(v);
}

/** Early / on time / late per row, stacked (Chart.js, loaded when the report is shown). */
function TimingChart({ rows }: { rows: Row[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let cancelled = false;
    import('chart.js').then(({ Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip }) => {
      if (cancelled || !canvas.current) return;
      Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
      chart = new Chart(canvas.current, {
        type: 'bar',
        data: {
          labels: rows.map((r) => r.name),
          datasets: [
            { label: 'Trước hạn', data: rows.map((r) => r.resolved.early), backgroundColor: '#2e7d32' },
            { label: 'Đúng hạn', data: rows.map((r) => r.resolved.onTime), backgroundColor: '#1565c0' },
            { label: 'Quá hạn', data: rows.map((r) => r.resolved.late), backgroundColor: '#c62828' },
          ],
        },
        options: {
          indexAxis: 'y',
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          locale: 'vi-VN',
          scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } },
          plugins: { legend: { position: 'bottom' } },
        },
      });
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [rows]);
  return (
    <div class="chart" style={{ height: `${Math.max(160, rows.length * 28 + 70)}px` }}>
      <canvas ref={canvas} id="timing-chart" aria-label="Biểu đồ hồ sơ giải quyết trước hạn, đúng hạn, quá hạn" />
    </div>
  );
}

async function download(path: string, accept: string, fallbackName: string): Promise<void> {
  const res = await call('GET', path, { accept });
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** `#/bao-cao`: Biểu 06 for a unit and a period; the figures are the API's, shown as they come. */
export function ReportPage({ route, user, ref_ }: { route: Route; user: User; ref_: Reference }) {
  const p = route.params;
  const unitCode = p.get('unitCode') ?? user.units[0] ?? '';
  const tz = timeZoneOf(ref_, unitCode);
  const all = presets(localDate(new Date(), tz));
  const from = p.get('from') ?? all[0].from;
  const to = p.get('to') ?? all[0].to;
  const groupBy = (p.get('groupBy') ?? 'unit') as keyof typeof GROUP_LABEL;
  const perspective = (p.get('perspective') ?? 'competent') as keyof typeof PERSPECTIVE_LABEL;
  const [report, setReport] = useState<Report>();
  const [error, setError] = useState<string>();
  const [fromInput, setFrom] = useState(from);
  const [toInput, setTo] = useState(to);
  // the default perspective is left out of the address (the API's default, and the older links stay as they were)
  const params = { unitCode, from, to, groupBy, perspective: perspective === 'competent' ? undefined : perspective };
  const set = (patch: Partial<Record<keyof typeof params, string | undefined>>) => replaceParams({ ...params, ...patch });
  const path = `/statistics${query(params)}`;
  useEffect(() => {
    setFrom(from);
    setTo(to);
    setError(undefined);
    setReport(undefined);
    const ctl = new AbortController();
    getJson<Report>(path, ctl.signal)
      .then(setReport)
      .catch((e) => (e as Error).name !== 'AbortError' && setError(problemText(e)));
    return () => ctl.abort();
  }, [path]);
  const parent = ref_.units.get(unitCode)?.parentCode;
  const mayGoUp = parent !== undefined && !user.units.includes(unitCode);
  const exportFile = (format: 'csv' | 'xlsx') =>
    download(
      `/statistics${query({ ...params, format })}`,
      format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      `bieu-06-${unitCode}-${from}-${to}.${format}`,
    ).catch((e) => setError(format === 'xlsx' ? `Chưa tải được XLSX: ${problemText(e)}` : problemText(e)));

  return (
    <div class="page report">
      <section class="card">
        <h2>Biểu 06 — Tình hình, kết quả giải quyết thủ tục hành chính</h2>
        <div class="filters">
          <div class="field">
            <label for="rp-unit">Đơn vị</label>
            <UnitSelect id="rp-unit" ref_={ref_} roots={user.units} value={unitCode} onChange={(u) => set({ unitCode: u })} />
          </div>
          <div class="field">
            <label for="rp-group">Chia theo</label>
            <select id="rp-group" value={groupBy} onChange={(e) => set({ groupBy: (e.target as HTMLSelectElement).value as typeof groupBy })}>
              {Object.entries(GROUP_LABEL).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="rp-perspective">Tính theo</label>
            <select
              id="rp-perspective"
              value={perspective}
              onChange={(e) => {
                const v = (e.target as HTMLSelectElement).value;
                set({ perspective: v === 'competent' ? undefined : v });
              }}
            >
              {Object.entries(PERSPECTIVE_LABEL).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <form
            class="period"
            onSubmit={(e) => {
              e.preventDefault();
              set({ from: fromInput, to: toInput });
            }}
          >
            <div class="field">
              <label for="rp-from">Từ ngày</label>
              <DateInput id="rp-from" value={fromInput} onChange={setFrom} />
            </div>
            <div class="field">
              <label for="rp-to">Đến ngày</label>
              <DateInput id="rp-to" value={toInput} onChange={setTo} />
            </div>
            <button type="submit">Xem</button>
          </form>
        </div>
        <div class="presets">
          {all.map((x) => (
            <button type="button" key={x.key} class={x.from === from && x.to === to ? 'active' : ''} onClick={() => set({ from: x.from, to: x.to })}>
              {x.label}
            </button>
          ))}
          <span class="spacer" />
          <button type="button" onClick={() => exportFile('csv')} id="download-csv">
            Tải CSV
          </button>
          <button type="button" onClick={() => exportFile('xlsx')} id="download-xlsx">
            Tải XLSX
          </button>
        </div>
        <p class="muted" id="report-title">
          {unitName(ref_, unitCode)} · từ {fmtLocalDate(from)} đến {fmtLocalDate(to)} · tính theo {PERSPECTIVE_LABEL[perspective]?.toLowerCase()}
          {mayGoUp ? (
            <>
              {' · '}
              <a href="#" onClick={(e) => (e.preventDefault(), set({ unitCode: parent }))}>
                lên đơn vị cấp trên
              </a>
            </>
          ) : null}
        </p>
        <ProblemBox error={error} />
        {report ? (
          <>
            <div class="indicators" id="indicators">
              {INDICATORS.filter((i) =>
                i.path.startsWith('indicators.') ? report.indicators : at(report, i.path) !== null || !i.path.startsWith('pending.'),
              ).map((i) => (
                <div class="indicator" key={i.path} data-field={i.path}>
                  <span class="value">{show(at(report, i.path), i.kind)}</span>
                  <span class="name">{i.label}</span>
                </div>
              ))}
            </div>
            <div class="table-scroll">
              <table class="grid report-table" id="report-table">
                <thead>
                  <tr>
                    <th rowSpan={2}>{GROUP_LABEL[groupBy]}</th>
                    <th colSpan={5}>Số hồ sơ nhận</th>
                    <th colSpan={4}>Đã giải quyết</th>
                    <th colSpan={3}>Đang giải quyết</th>
                    <th rowSpan={2}>Đã rút</th>
                    <th rowSpan={2}>Tỷ lệ đúng hạn</th>
                  </tr>
                  <tr>
                    {COLUMNS.filter((c) => c.group).map((c) => (
                      <th key={c.path}>{c.head}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {report.rows.map((r) => (
                    <tr key={r.key} data-key={r.key}>
                      <th class="wrap">
                        {groupBy === 'unit' && !r.own ? (
                          <a href="#" title="Xem các đơn vị trực thuộc" onClick={(e) => (e.preventDefault(), set({ unitCode: r.key }))}>
                            {r.name}
                          </a>
                        ) : (
                          r.name
                        )}
                        {r.own ? <small class="muted"> (tại đơn vị)</small> : null}
                      </th>
                      {COLUMNS.map((c) => (
                        <td key={c.path} data-field={c.path}>
                          {c.rate ? fmtRate(at(r, c.path)) : fmtNumber(at(r, c.path))}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr data-key="total">
                    <th>Tổng cộng</th>
                    {COLUMNS.map((c) => (
                      <td key={c.path} data-field={c.path}>
                        {c.rate ? fmtRate(at(report, c.path)) : fmtNumber(at(report, c.path))}
                      </td>
                    ))}
                  </tr>
                </tfoot>
              </table>
            </div>
            {report.rows.length > 0 ? <TimingChart rows={report.rows} /> : null}
          </>
        ) : error ? null : (
          <p class="loading">Đang tải báo cáo…</p>
        )}
      </section>
    </div>
  );
}
