import { useEffect, useRef, useState } from 'preact/hooks';
import { fileUrl, getJson, postJson, problemText, query } from '../api';
import { DossierTable, ListItem, ProblemBox, UnitSelect } from '../components';
import { useDraft } from '../drafts';
import { fmtDateTime } from '../format';
import { CHANNEL_LABEL } from '../labels';
import { Procedure, Reference, searchProcedures, timeZoneOf, unitsInScope } from '../reference';
import type { User } from '../session';
import { FindBox } from './Find';

const PROCESSING_UNIT: Record<string, string> = { working_day: 'ngày làm việc', half_day: 'buổi làm việc', working_hour: 'giờ làm việc' };

function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Procedure search by name or code: arrows to move, Enter to pick, Esc to clear. */
function ProcedurePicker(props: { procedures: Procedure[]; text: string; chosen?: Procedure; onText: (t: string) => void; onPick: (p: Procedure) => void }) {
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const matches = props.chosen && props.text === props.chosen.name ? [] : searchProcedures(props.procedures, props.text);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, matches.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter' && matches.length > 0 && open) {
      e.preventDefault();
      props.onPick(matches[Math.min(active, matches.length - 1)]);
      setOpen(false);
    } else if (e.key === 'Escape') {
      props.onText('');
    }
  };
  return (
    <div class="combo">
      <input
        id="procedure"
        role="combobox"
        aria-expanded={open && matches.length > 0}
        aria-controls="procedure-options"
        autoComplete="off"
        placeholder="Gõ tên hoặc mã thủ tục"
        value={props.text}
        onInput={(e) => {
          props.onText((e.target as HTMLInputElement).value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={onKey}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onFocus={() => setOpen(true)}
        required
      />
      {open && matches.length > 0 ? (
        <ul id="procedure-options" role="listbox" class="options">
          {matches.map((p, i) => (
            <li
              key={p.code}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                props.onPick(p);
                setOpen(false);
              }}
            >
              <span class="code">{p.code}</span> {p.name} <small>({p.field})</small>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

interface ReceiveDraft {
  id: string;
  unitCode: string;
  /** Empty: the receiving unit resolves (the API's default). */
  competentUnitCode: string;
  procedureCode: string;
  procedureText: string;
  channel: string;
  name: string;
  idNumber: string;
  phone: string;
  email: string;
  address: string;
  refusalReason: string;
  legalBasis: string;
}

interface Received {
  id: string;
  code: string;
  dueAt: string;
  unitCode: string;
  receiptUrl?: string;
  popupBlocked?: boolean;
  refused?: boolean;
  lookupPin?: string;
}

export function Counter({ user, ref_ }: { user: User; ref_: Reference }) {
  const scope = unitsInScope(ref_, user.units);
  const defaultUnit = (scope.find((s) => s.unit.level === 'commune') ?? scope[0])?.unit.code ?? '';
  const [draft, update, clear] = useDraft<ReceiveDraft>('receive', {
    id: '',
    unitCode: defaultUnit,
    competentUnitCode: '',
    procedureCode: '',
    procedureText: '',
    channel: 'direct',
    name: '',
    idNumber: '',
    phone: '',
    email: '',
    address: '',
    refusalReason: '',
    legalBasis: '',
  });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Received>();
  const procedureInput = useRef<HTMLDivElement>(null);
  const chosen = ref_.procedures.find((p) => p.code === draft.procedureCode);
  // the competent unit may be any unit of the receiving unit's province (since 1 July 2025)
  let province = draft.unitCode;
  for (let i = 0; i < 10; i++) {
    const parent = ref_.units.get(province)?.parentCode;
    if (!parent || !ref_.units.has(parent)) break;
    province = parent;
  }
  const competent = draft.competentUnitCode && draft.competentUnitCode !== draft.unitCode ? { competentUnitCode: draft.competentUnitCode } : {};

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!chosen) {
      setError('Chọn một thủ tục trong danh sách gợi ý (gõ tên hoặc mã, rồi Enter).');
      return;
    }
    setError(undefined);
    setBusy(true);
    // the receipt's window is opened now, while the key press still counts as the user's gesture
    // (a window opened after the answer would be a blocked pop-up); it shows the PDF once printed
    const win = window.open('', '_blank');
    win?.document.write('<p style="font-family:sans-serif">Đang tạo giấy tiếp nhận…</p>');
    // a client-chosen id, kept in the draft: a retry after a lost answer does not receive twice
    const id = draft.id || newId();
    update({ id });
    try {
      const applicant: Record<string, string> = { name: draft.name.trim() };
      for (const k of ['idNumber', 'phone', 'email', 'address'] as const) if (draft[k].trim()) applicant[k] = draft[k].trim();
      const view = await postJson<{ id: string; code: string; dueAt: string; unitCode: string; lookupPin?: string }>('/dossiers', {
        id,
        unitCode: draft.unitCode,
        ...competent,
        procedureCode: chosen.code,
        channel: draft.channel,
        applicant,
      });
      clear();
      update({ unitCode: draft.unitCode, channel: draft.channel });
      setDone({ ...view, popupBlocked: !win });
      procedureInput.current?.querySelector('input')?.focus();
      const receiptUrl = await fileUrl(`/dossiers/${view.id}/forms/receipt.pdf`, 'application/pdf');
      if (win && !win.closed) win.location.href = receiptUrl;
      setDone({ ...view, receiptUrl, popupBlocked: !win });
    } catch (err) {
      win?.close();
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  };

  /** Refusal at reception (`POST /refusals`, form "Phiếu từ chối"): the same body plus the reason. */
  const refuse = async () => {
    if (!chosen || !draft.name.trim() || !draft.refusalReason.trim()) {
      setError('Từ chối tiếp nhận cần thủ tục, họ tên người nộp và lý do từ chối.');
      return;
    }
    setError(undefined);
    setBusy(true);
    const win = window.open('', '_blank');
    try {
      const applicant: Record<string, string> = { name: draft.name.trim() };
      for (const k of ['idNumber', 'phone', 'email', 'address'] as const) if (draft[k].trim()) applicant[k] = draft[k].trim();
      const view = await postJson<{ id: string; code: string }>('/refusals', {
        id: draft.id || newId(),
        unitCode: draft.unitCode,
        ...competent,
        procedureCode: chosen.code,
        channel: draft.channel,
        applicant,
        reason: draft.refusalReason.trim(),
        ...(draft.legalBasis.trim() ? { legalBasis: draft.legalBasis.trim() } : {}),
      });
      clear();
      update({ unitCode: draft.unitCode, channel: draft.channel });
      setDone({ ...view, dueAt: '', unitCode: draft.unitCode, refused: true });
      const url = await fileUrl(`/dossiers/${view.id}/forms/refusal.pdf`, 'application/pdf');
      if (win && !win.closed) win.location.href = url;
      setDone({ ...view, dueAt: '', unitCode: draft.unitCode, refused: true, receiptUrl: url });
    } catch (err) {
      win?.close();
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: keyof ReceiveDraft, text: string, props: Record<string, unknown> = {}) => (
    <div class="field">
      <label for={`f-${name}`}>{text}</label>
      <input id={`f-${name}`} value={draft[name]} onInput={(e) => update({ [name]: (e.target as HTMLInputElement).value })} {...props} />
    </div>
  );

  return (
    <div class="page counter">
      <section class="card receive">
        <h2>Tiếp nhận hồ sơ</h2>
        <form onSubmit={submit} id="receive-form">
          <div class="row">
            <div class="field grow" ref={procedureInput}>
              <label for="procedure">Thủ tục hành chính</label>
              <ProcedurePicker
                procedures={ref_.procedures}
                text={draft.procedureText}
                chosen={chosen}
                onText={(t) => update({ procedureText: t, procedureCode: '' })}
                onPick={(p) => {
                  update({ procedureText: p.name, procedureCode: p.code });
                  document.getElementById('f-name')?.focus();
                }}
              />
              {chosen ? (
                <small class="hint" id="procedure-chosen">
                  {chosen.code} · {chosen.field} · thời hạn {chosen.processingTime.amount}{' '}
                  {PROCESSING_UNIT[chosen.processingTime.unit] ?? chosen.processingTime.unit}
                </small>
              ) : null}
            </div>
            <div class="field">
              <label for="f-unit">Nơi tiếp nhận</label>
              <UnitSelect
                id="f-unit"
                ref_={ref_}
                roots={user.units}
                value={draft.unitCode}
                onChange={(unitCode) => update({ unitCode, competentUnitCode: '' })}
              />
            </div>
            <div class="field">
              <label for="f-competent">Cơ quan giải quyết</label>
              <UnitSelect
                id="f-competent"
                ref_={ref_}
                roots={[province]}
                value={draft.competentUnitCode}
                onChange={(competentUnitCode) => update({ competentUnitCode })}
                emptyLabel="Như nơi tiếp nhận"
              />
            </div>
          </div>
          <fieldset class="channels">
            <legend>Hình thức nộp</legend>
            {Object.entries(CHANNEL_LABEL).map(([value, text]) => (
              <label key={value} class="inline">
                <input type="radio" name="channel" value={value} checked={draft.channel === value} onChange={() => update({ channel: value })} /> {text}
              </label>
            ))}
          </fieldset>
          <div class="row">
            {field('name', 'Họ và tên người nộp', { required: true, autoComplete: 'off' })}
            {field('idNumber', 'Số CCCD/CMND', { autoComplete: 'off', inputMode: 'numeric' })}
            {field('phone', 'Số điện thoại', { autoComplete: 'off', inputMode: 'tel' })}
          </div>
          <div class="row">
            {field('email', 'Thư điện tử', { type: 'email', autoComplete: 'off' })}
            {field('address', 'Địa chỉ', { autoComplete: 'off', class: 'grow' })}
          </div>
          <ProblemBox error={error} />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy} id="receive-submit">
              Tiếp nhận và in giấy hẹn
            </button>
            <button type="button" onClick={() => clear()} disabled={busy}>
              Xoá nội dung
            </button>
          </div>
          <details class="refusal">
            <summary>Từ chối tiếp nhận (hồ sơ không đủ điều kiện)</summary>
            <div class="row">
              {field('refusalReason', 'Lý do từ chối', { class: 'grow' })}
              {field('legalBasis', 'Căn cứ pháp lý')}
            </div>
            <button type="button" onClick={refuse} disabled={busy}>
              Từ chối và in phiếu từ chối
            </button>
          </details>
        </form>
        {done?.refused ? (
          <div class="success" role="status" id="refuse-done">
            Đã từ chối tiếp nhận, số phiếu <strong class="code">{done.code}</strong>.{' '}
            {done.receiptUrl ? (
              <a href={done.receiptUrl} target="_blank" rel="noopener" id="refusal-link">
                In lại phiếu từ chối
              </a>
            ) : null}{' '}
            · <a href={`#/ho-so/${done.id}`}>Mở hồ sơ</a>
          </div>
        ) : done ? (
          <div class="success" role="status" id="receive-done">
            Đã tiếp nhận hồ sơ <strong class="code">{done.code}</strong>, hẹn trả kết quả {fmtDateTime(done.dueAt, timeZoneOf(ref_, done.unitCode))}
            {done.lookupPin ? (
              <>
                , mã tra cứu <strong class="code">{done.lookupPin}</strong>
              </>
            ) : null}
            .{' '}
            <a href={done.receiptUrl} target="_blank" rel="noopener" id="receipt-link">
              {done.popupBlocked ? 'Mở giấy tiếp nhận để in' : 'In lại giấy tiếp nhận'}
            </a>{' '}
            · <a href={`#/ho-so/${done.id}`}>Mở hồ sơ</a>
          </div>
        ) : null}
      </section>
      <section class="card">
        <h2>Tìm hồ sơ</h2>
        <FindBox autoFocus={false} />
      </section>
      <AwaitingCollection user={user} ref_={ref_} />
    </div>
  );
}

/** Results waiting to be collected (`status=resolved`). */
function AwaitingCollection({ user, ref_ }: { user: User; ref_: Reference }) {
  const [items, setItems] = useState<ListItem[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    getJson<{ items: ListItem[] }>(`/dossiers${query({ status: 'resolved', limit: 10 })}`)
      .then((p) => setItems(p.items))
      .catch((e) => setError(problemText(e)));
  }, [user.sub]);
  return (
    <section class="card">
      <h2>Kết quả chờ trả</h2>
      <ProblemBox error={error} />
      {items ? <DossierTable items={items} ref_={ref_} /> : null}
      <a href="#/danh-sach?status=resolved">Xem tất cả</a>
    </section>
  );
}
