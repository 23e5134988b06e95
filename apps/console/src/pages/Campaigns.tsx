import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson, problemText, putJson } from '../api';
import { Notice, ProblemBox } from '../components';
import { DateInput } from '../DateInput';
import { fmtLocalDate, slug } from '../format';
import { Reference, unitName, unitsInScope } from '../reference';
import type { User } from '../session';

interface CampaignProcedure {
  procedureCode: string;
  processingTime: { amount: number; unit: string };
}

export interface Campaign {
  id: string;
  name: string;
  unitCodes: string[];
  from: string;
  to: string;
  procedures: CampaignProcedure[];
}

const TIME_UNIT: [string, string][] = [
  ['working_day', 'ngày làm việc'],
  ['half_day', 'buổi làm việc'],
  ['working_hour', 'giờ làm việc'],
];
const TIME_UNIT_LABEL = Object.fromEntries(TIME_UNIT);

/** What the admin reads for a refused campaign: the overlap named in Vietnamese, else the API's own detail. */
function campaignProblem(err: unknown, ref_: Reference, campaigns: Campaign[]): string {
  if (err instanceof ApiError) {
    const b = err.problem.body ?? {};
    const other = typeof b.conflictingCampaignId === 'string' ? b.conflictingCampaignId : undefined;
    if (other) {
      const name = campaigns.find((c) => c.id === other)?.name;
      const proc = ref_.procedures.find((p) => p.code === b.procedureCode)?.name ?? String(b.procedureCode ?? '');
      return (
        `Trùng với đợt “${name ?? other}” (mã ${other}): thủ tục ${proc} đã được rút ngắn thời hạn cho ${unitName(ref_, String(b.unitCode ?? ''))} ` +
        `(hoặc đơn vị cấp trên/cấp dưới) trong một số ngày của đợt này. — ${problemText(err)}`
      );
    }
  }
  return problemText(err);
}

interface Draft {
  id: string;
  name: string;
  unitCodes: string[];
  from: string;
  to: string;
  procedures: { procedureCode: string; amount: string; unit: string }[];
}

const EMPTY: Draft = { id: '', name: '', unitCodes: [], from: '', to: '', procedures: [{ procedureCode: '', amount: '1', unit: 'working_day' }] };

/** `#/dot-cao-diem`: the admin's campaign windows (issue #15): list, create, edit; the API judges. */
export function CampaignsPage({ user, ref_ }: { user: User; ref_: Reference }) {
  const [items, setItems] = useState<Campaign[]>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<{ draft: Draft; isNew: boolean }>();
  const [saved, setSaved] = useState<string>();
  const [reload, setReload] = useState(0);
  useEffect(() => {
    getJson<{ items: Campaign[] }>('/campaigns')
      .then((r) => setItems(r.items))
      .catch((e) => setError(problemText(e)));
  }, [reload]);
  const edit = (c?: Campaign) => {
    setSaved(undefined);
    setEditing(
      c
        ? {
            isNew: false,
            draft: {
              ...c,
              procedures: c.procedures.map((p) => ({ procedureCode: p.procedureCode, amount: String(p.processingTime.amount), unit: p.processingTime.unit })),
            },
          }
        : { isNew: true, draft: { ...EMPTY, procedures: [...EMPTY.procedures] } },
    );
  };
  return (
    <div class="page campaigns">
      <section class="card">
        <h2>Đợt cao điểm rút ngắn thời hạn giải quyết</h2>
        <p class="muted">
          Trong các ngày của đợt, hồ sơ của các thủ tục đã chọn tiếp nhận tại các đơn vị đã chọn (và đơn vị trực thuộc) được hẹn trả theo thời hạn ngắn hơn; hạn
          trả được giữ nguyên khi sửa đợt sau đó.
        </p>
        <ProblemBox error={error} />
        {saved ? <Notice>{saved}</Notice> : null}
        <div class="actions">
          <button type="button" class="primary" id="campaign-new" onClick={() => edit()}>
            Tạo đợt mới
          </button>
        </div>
        {items && items.length === 0 ? <p class="empty">Chưa có đợt cao điểm nào.</p> : null}
        {items && items.length > 0 ? (
          <table class="grid" id="campaigns-table">
            <thead>
              <tr>
                <th>Mã</th>
                <th>Tên đợt</th>
                <th>Đơn vị</th>
                <th>Từ ngày</th>
                <th>Đến ngày</th>
                <th>Thủ tục rút ngắn</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-campaign={c.id}>
                  <td class="code">{c.id}</td>
                  <td class="wrap">{c.name}</td>
                  <td class="wrap">{c.unitCodes.map((u) => unitName(ref_, u)).join(', ')}</td>
                  <td>{fmtLocalDate(c.from)}</td>
                  <td>{fmtLocalDate(c.to)}</td>
                  <td class="wrap">
                    {c.procedures
                      .map(
                        (p) =>
                          `${ref_.procedures.find((x) => x.code === p.procedureCode)?.name ?? p.procedureCode}: ${p.processingTime.amount} ${TIME_UNIT_LABEL[p.processingTime.unit] ?? p.processingTime.unit}`,
                      )
                      .join('; ')}
                  </td>
                  <td>
                    <button type="button" class="small" onClick={() => edit(c)}>
                      Sửa
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {editing ? (
        <CampaignForm
          key={editing.draft.id || 'new'}
          initial={editing.draft}
          isNew={editing.isNew}
          user={user}
          ref_={ref_}
          campaigns={items ?? []}
          onCancel={() => setEditing(undefined)}
          onSaved={(c) => {
            setEditing(undefined);
            setSaved(`Đã lưu đợt “${c.name}” (mã ${c.id}).`);
            setReload((n) => n + 1);
          }}
        />
      ) : null}
    </div>
  );
}

function CampaignForm(props: {
  initial: Draft;
  isNew: boolean;
  user: User;
  ref_: Reference;
  campaigns: Campaign[];
  onCancel: () => void;
  onSaved: (c: Campaign) => void;
}) {
  const { ref_ } = props;
  const [d, setD] = useState<Draft>(props.initial);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setD((prev) => ({ ...prev, ...patch }));
  const setProc = (i: number, patch: Partial<Draft['procedures'][number]>) =>
    setD((prev) => ({ ...prev, procedures: prev.procedures.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));
  const units = unitsInScope(ref_, props.user.units);
  const submit = async (e: Event) => {
    e.preventDefault();
    const id = props.isNew ? d.id.trim() || slug(d.name) : d.id;
    if (!id) return setError('Nhập tên đợt (mã đợt được tạo từ tên).');
    if (d.unitCodes.length === 0) return setError('Chọn ít nhất một đơn vị.');
    if (!d.from || !d.to) return setError('Nhập ngày bắt đầu và ngày kết thúc (dd/mm/yyyy).');
    setError(undefined);
    setBusy(true);
    try {
      const body = {
        name: d.name.trim(),
        unitCodes: d.unitCodes,
        from: d.from,
        to: d.to,
        procedures: d.procedures
          .filter((p) => p.procedureCode)
          .map((p) => ({ procedureCode: p.procedureCode, processingTime: { amount: Number(p.amount), unit: p.unit } })),
      };
      props.onSaved(await putJson<Campaign>(`/campaigns/${encodeURIComponent(id)}`, body));
    } catch (err) {
      setError(campaignProblem(err, ref_, props.campaigns));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" id="campaign-form" onSubmit={submit}>
      <h3>{props.isNew ? 'Tạo đợt cao điểm' : `Sửa đợt ${d.id}`}</h3>
      <div class="row">
        <div class="field grow">
          <label for="cp-name">Tên đợt *</label>
          <input id="cp-name" value={d.name} required onInput={(e) => set({ name: (e.target as HTMLInputElement).value })} autoFocus />
        </div>
        {props.isNew ? (
          <div class="field">
            <label for="cp-id">Mã đợt</label>
            <input id="cp-id" value={d.id} placeholder={slug(d.name) || 'tạo từ tên'} onInput={(e) => set({ id: (e.target as HTMLInputElement).value })} />
          </div>
        ) : null}
        <div class="field">
          <label for="cp-from">Từ ngày *</label>
          <DateInput id="cp-from" value={d.from} onChange={(from) => set({ from })} required />
        </div>
        <div class="field">
          <label for="cp-to">Đến ngày *</label>
          <DateInput id="cp-to" value={d.to} onChange={(to) => set({ to })} required />
        </div>
      </div>
      <fieldset id="cp-units">
        <legend>Đơn vị áp dụng (gồm cả đơn vị trực thuộc)</legend>
        <div class="unit-choices">
          {units.map(({ unit, depth }) => (
            <label key={unit.code} class="inline" style={{ paddingLeft: `${depth}em` }}>
              <input
                type="checkbox"
                value={unit.code}
                checked={d.unitCodes.includes(unit.code)}
                onChange={(e) => {
                  const on = (e.target as HTMLInputElement).checked;
                  set({ unitCodes: on ? [...d.unitCodes, unit.code] : d.unitCodes.filter((u) => u !== unit.code) });
                }}
              />{' '}
              {unit.name} <small class="muted">({unit.code})</small>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset id="cp-procedures">
        <legend>Thủ tục và thời hạn rút ngắn</legend>
        {d.procedures.map((p, i) => {
          const proc = ref_.procedures.find((x) => x.code === p.procedureCode);
          return (
            <div class="row" key={i}>
              <div class="field grow">
                <label for={`cp-proc-${i}`}>Thủ tục</label>
                <select id={`cp-proc-${i}`} value={p.procedureCode} onChange={(e) => setProc(i, { procedureCode: (e.target as HTMLSelectElement).value })}>
                  <option value="">— Chọn thủ tục —</option>
                  {ref_.procedures.map((x) => (
                    <option key={x.code} value={x.code}>
                      {x.code} · {x.name}
                    </option>
                  ))}
                </select>
                {proc ? (
                  <small class="hint">
                    thời hạn thường: {proc.processingTime.amount} {TIME_UNIT_LABEL[proc.processingTime.unit] ?? proc.processingTime.unit}
                  </small>
                ) : null}
              </div>
              <div class="field">
                <label for={`cp-amount-${i}`}>Thời hạn trong đợt</label>
                <input
                  id={`cp-amount-${i}`}
                  type="number"
                  min={1}
                  step={1}
                  value={p.amount}
                  onInput={(e) => setProc(i, { amount: (e.target as HTMLInputElement).value })}
                />
              </div>
              <div class="field">
                <label for={`cp-unit-${i}`}>Đơn vị tính</label>
                <select id={`cp-unit-${i}`} value={p.unit} onChange={(e) => setProc(i, { unit: (e.target as HTMLSelectElement).value })}>
                  {TIME_UNIT.map(([v, l]) => (
                    <option key={v} value={v}>
                      {l}
                    </option>
                  ))}
                </select>
              </div>
              <button type="button" class="small" onClick={() => set({ procedures: d.procedures.filter((_, j) => j !== i) })} aria-label="Bỏ thủ tục này">
                Bỏ
              </button>
            </div>
          );
        })}
        <button type="button" class="small" onClick={() => set({ procedures: [...d.procedures, { procedureCode: '', amount: '1', unit: 'working_day' }] })}>
          Thêm thủ tục
        </button>
      </fieldset>
      <ProblemBox error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy} id="campaign-save">
          Lưu đợt
        </button>
        <button type="button" onClick={props.onCancel}>
          Đóng
        </button>
      </div>
    </form>
  );
}
