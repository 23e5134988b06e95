import { useEffect, useState } from 'preact/hooks';
import { getJson, problemText, query } from '../api';
import { DossierTable, ListItem, ProblemBox, UnitSelect } from '../components';
import { label, STATUS_LABEL } from '../labels';
import type { Reference } from '../reference';
import { replaceParams, Route } from '../router';
import type { User } from '../session';

const STATUSES = ['received', 'assigned', 'awaiting-supplement', 'paused', 'resolved', 'returned', 'withdrawn', 'refused-at-reception'];
const PAGE = 50;

/** `#/danh-sach`: the work list by unit, status, assignee and overdue, by due time, paged with the API's cursor. */
export function WorkList({ route, user, ref_ }: { route: Route; user: User; ref_: Reference }) {
  const p = route.params;
  const filters = {
    unitCode: p.get('unitCode') ?? '',
    status: p.get('status') ?? '',
    assignee: p.get('assignee') ?? '',
    overdue: p.get('overdue') ?? '',
  };
  const [cursors, setCursors] = useState<string[]>([]); // cursors of the pages before this one
  const [cursor, setCursor] = useState<string | undefined>();
  const [page, setPage] = useState<{ items: ListItem[]; nextCursor: string | null }>();
  const [error, setError] = useState<string>();
  const [assignee, setAssignee] = useState(filters.assignee);
  const key = JSON.stringify(filters);
  useEffect(() => {
    setCursors([]);
    setCursor(undefined);
  }, [key]);
  useEffect(() => {
    const ctl = new AbortController();
    setError(undefined);
    getJson<{ items: ListItem[]; nextCursor: string | null }>(`/dossiers${query({ ...filters, limit: PAGE, cursor })}`, ctl.signal)
      .then(setPage)
      .catch((e) => (e as Error).name !== 'AbortError' && setError(problemText(e)));
    return () => ctl.abort();
  }, [key, cursor]);
  const set = (patch: Partial<typeof filters>) => replaceParams({ ...filters, ...patch });
  return (
    <div class="page">
      <section class="card">
        <h2>Danh sách hồ sơ</h2>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            set({ assignee });
          }}
        >
          <div class="field">
            <label for="wl-unit">Đơn vị</label>
            <UnitSelect id="wl-unit" ref_={ref_} roots={user.units} value={filters.unitCode} onChange={(unitCode) => set({ unitCode })} allowAll />
          </div>
          <div class="field">
            <label for="wl-status">Trạng thái</label>
            <select id="wl-status" value={filters.status} onChange={(e) => set({ status: (e.target as HTMLSelectElement).value })}>
              <option value="">Tất cả</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {label(STATUS_LABEL, s)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="wl-assignee">Cán bộ xử lý</label>
            <input id="wl-assignee" value={assignee} placeholder="mã cán bộ, Enter" onInput={(e) => setAssignee((e.target as HTMLInputElement).value)} />
          </div>
          <label class="inline">
            <input
              type="checkbox"
              checked={filters.overdue === 'true'}
              onChange={(e) => set({ overdue: (e.target as HTMLInputElement).checked ? 'true' : '' })}
            />{' '}
            Chỉ hồ sơ quá hạn
          </label>
        </form>
        <p class="legend">
          <span class="due due-ok">Trong hạn</span> <span class="due due-near">Sắp đến hạn (dưới 1 ngày)</span> <span class="due due-overdue">Quá hạn</span>{' '}
          <span class="due due-paused">Tạm dừng tính giờ</span>
        </p>
        <ProblemBox error={error} />
        {page ? <DossierTable items={page.items} ref_={ref_} /> : <p class="loading">Đang tải…</p>}
        <div class="pager">
          <button
            type="button"
            disabled={cursors.length === 0}
            onClick={() => {
              const prev = [...cursors];
              const c = prev.pop();
              setCursors(prev);
              setCursor(c || undefined);
            }}
          >
            ‹ Trang trước
          </button>
          <span>Trang {cursors.length + 1}</span>
          <button
            type="button"
            disabled={!page?.nextCursor}
            onClick={() => {
              setCursors([...cursors, cursor ?? '']);
              setCursor(page?.nextCursor ?? undefined);
            }}
          >
            Trang sau ›
          </button>
        </div>
      </section>
    </div>
  );
}
