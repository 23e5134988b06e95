/** Small shared pieces: error box, badges, unit picker, the dossier table. */
import type { ComponentChildren } from 'preact';
import { fmtDateTime } from './format';
import { label, STATUS_LABEL } from './labels';
import { Reference, timeZoneOf, unitName, unitsInScope } from './reference';
import { navigate } from './router';

export function ProblemBox({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <div class="problem" role="alert">
      {error}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice" role="status">
      {children}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{label(STATUS_LABEL, status)}</span>;
}

/** Due-time colour of an item: within time, nearly due (under a day left), overdue, paused (clock stopped), closed. */
export type DueClass = 'ok' | 'near' | 'overdue' | 'paused' | 'closed';

const DUE_LABEL: Record<DueClass, string> = { ok: 'Trong hạn', near: 'Sắp đến hạn', overdue: 'Quá hạn', paused: 'Tạm dừng tính giờ', closed: '' };
const NEAR_MS = 24 * 3600_000;

export function dueClass(item: { status: string; effectiveDueAt?: string; dueAt: string; overdue?: boolean }, now = Date.now()): DueClass {
  if (['resolved', 'returned', 'withdrawn', 'refused-at-reception'].includes(item.status)) return 'closed';
  if (item.status === 'awaiting-supplement' || item.status === 'paused') return 'paused';
  const due = Date.parse(item.effectiveDueAt ?? item.dueAt);
  if (item.overdue || due <= now) return 'overdue';
  return due - now < NEAR_MS ? 'near' : 'ok';
}

export function DueCell({ item, timeZone }: { item: { status: string; effectiveDueAt?: string; dueAt: string; overdue?: boolean }; timeZone: string }) {
  const c = dueClass(item);
  return (
    <span class={`due due-${c}`} title={DUE_LABEL[c]}>
      {fmtDateTime(item.effectiveDueAt ?? item.dueAt, timeZone)}
      {c !== 'closed' && c !== 'ok' ? <small> · {DUE_LABEL[c]}</small> : null}
    </span>
  );
}

export function UnitSelect(props: {
  id: string;
  ref_: Reference;
  roots: string[];
  value: string;
  onChange: (code: string) => void;
  allowAll?: boolean;
  emptyLabel?: string;
}) {
  const options = unitsInScope(props.ref_, props.roots);
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
      {props.allowAll || props.emptyLabel ? <option value="">{props.emptyLabel ?? 'Tất cả đơn vị của tôi'}</option> : null}
      {options.map(({ unit, depth }) => (
        <option key={unit.code} value={unit.code}>
          {'\u00a0\u00a0'.repeat(depth)}
          {unit.name} ({unit.code})
        </option>
      ))}
    </select>
  );
}

export interface ListItem {
  id: string;
  code: string;
  unitCode: string;
  procedureCode: string;
  procedureName?: string;
  field: string;
  status: string;
  assignee?: string;
  receivedAt: string;
  dueAt: string;
  effectiveDueAt?: string;
  overdue?: boolean;
}

export function DossierTable({ items, ref_ }: { items: ListItem[]; ref_: Reference }) {
  if (items.length === 0) return <p class="empty">Không có hồ sơ nào.</p>;
  return (
    <table class="grid" id="dossier-table">
      <thead>
        <tr>
          <th>Mã hồ sơ</th>
          <th>Thủ tục</th>
          <th>Đơn vị</th>
          <th>Trạng thái</th>
          <th>Người xử lý</th>
          <th>Tiếp nhận</th>
          <th>Hạn trả kết quả</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => {
          const tz = timeZoneOf(ref_, d.unitCode);
          return (
            <tr key={d.id} class={`row-${dueClass(d)}`} onClick={() => navigate(`/ho-so/${d.id}`)}>
              <td>
                <a href={`#/ho-so/${d.id}`} class="code">
                  {d.code}
                </a>
              </td>
              <td class="wrap">{d.procedureName ?? d.procedureCode}</td>
              <td class="wrap">{unitName(ref_, d.unitCode)}</td>
              <td>
                <StatusBadge status={d.status} />
              </td>
              <td>{d.assignee ?? ''}</td>
              <td>{fmtDateTime(d.receivedAt, tz)}</td>
              <td>
                <DueCell item={d} timeZone={tz} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
