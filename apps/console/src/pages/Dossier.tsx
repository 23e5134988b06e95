import { useEffect, useState } from 'preact/hooks';
import { fileUrl, getJson, postJson, problemText } from '../api';
import { DueCell, ProblemBox, StatusBadge } from '../components';
import { fmtDateTime } from '../format';
import { CHANNEL_LABEL, EVENT_LABEL, label, RETURN_METHOD_LABEL, TIMING_LABEL } from '../labels';
import { Reference, timeZoneOf, unitName } from '../reference';
import { hasRole, User } from '../session';
import { FORMS, STEPS } from '../steps';
import { HistoryTimeline } from './History';
import { StepForm } from './StepForm';

export interface DossierView {
  id: string;
  code: string;
  status: string;
  version: number;
  unitCode: string;
  competentUnitCode?: string;
  procedureCode: string;
  procedureName?: string;
  field: string;
  channel: string;
  applicant: { name: string; idNumber?: string; phone?: string; email?: string; address?: string };
  receivedAt: string;
  dueAt: string;
  originalDueAt: string;
  assignee?: string;
  assigneeName?: string;
  department?: string;
  outcome?: string;
  resolvedAt?: string;
  withdrawnAt?: string;
  rating?: string;
  apologies: unknown[];
  timing: string | null;
  lookupPin?: string;
  campaignId?: string;
  returnedAt?: string;
  returnMethod?: string;
  returnRecipient?: { name: string; idNumber?: string; relation?: string };
  refusalReason?: string;
  legalBasis?: string;
  pauses?: { kind: string; reason: string; pausedAt: string; resumedAt?: string }[];
  supplementRequests?: { reason: string; items: { name: string; note?: string }[]; requestedAt: string }[];
  transfers?: TransferView[];
}

export interface TransferView {
  transferId: string;
  toUnitCode: string;
  task: string;
  transferredAt: string;
  dueAt: string;
  returnedAt?: string;
  outcome?: 'done' | 'refused';
  note?: string;
  timing: string;
}

const PAUSE_LABEL: Record<string, string> = { fee: 'Nộp phí, lệ phí', verification: 'Xác minh thực địa', consultation: 'Ý kiến cơ quan khác', other: 'Khác' };

export function DossierSummary({ d, ref_ }: { d: DossierView; ref_: Reference }) {
  const tz = timeZoneOf(ref_, d.unitCode);
  return (
    <dl class="summary">
      <dt>Mã hồ sơ</dt>
      <dd class="code" id="dossier-code">
        {d.code}
      </dd>
      <dt>Trạng thái</dt>
      <dd>
        <StatusBadge status={d.status} /> {d.timing ? <span class={`badge timing-${d.timing}`}>{label(TIMING_LABEL, d.timing)}</span> : null}
      </dd>
      <dt>Thủ tục</dt>
      <dd>
        {d.procedureName ?? d.procedureCode} <small class="muted">({d.field})</small>
      </dd>
      <dt>Người nộp</dt>
      <dd>
        {d.applicant?.name}
        {d.applicant?.idNumber ? ` · CCCD ${d.applicant.idNumber}` : ''}
        {d.applicant?.phone ? ` · ĐT ${d.applicant.phone}` : ''}
      </dd>
      <dt>Nơi tiếp nhận</dt>
      <dd>
        {unitName(ref_, d.unitCode)} · {label(CHANNEL_LABEL, d.channel)}
      </dd>
      {d.competentUnitCode ? (
        <>
          <dt>Cơ quan giải quyết</dt>
          <dd id="competent-unit">
            {unitName(ref_, d.competentUnitCode)}
            {d.competentUnitCode === d.unitCode ? <small class="muted"> (nơi tiếp nhận)</small> : null}
          </dd>
        </>
      ) : null}
      {d.lookupPin ? (
        <>
          <dt>Mã tra cứu (PIN)</dt>
          <dd class="code" id="lookup-pin" title="Đọc lại cho công dân khi cần tra cứu trên cổng công khai">
            {d.lookupPin}
          </dd>
        </>
      ) : null}
      {d.campaignId ? (
        <>
          <dt>Đợt cao điểm</dt>
          <dd>{d.campaignId}</dd>
        </>
      ) : null}
      {d.receivedAt ? (
        <>
          <dt>Tiếp nhận lúc</dt>
          <dd>{fmtDateTime(d.receivedAt, tz)}</dd>
        </>
      ) : null}
      {d.dueAt ? (
        <>
          <dt>Hẹn trả kết quả</dt>
          <dd>
            <DueCell item={d} timeZone={tz} />
            {d.originalDueAt && d.originalDueAt !== d.dueAt ? <small class="muted"> (hạn theo luật {fmtDateTime(d.originalDueAt, tz)})</small> : null}
          </dd>
        </>
      ) : null}
      {d.refusalReason ? (
        <>
          <dt>Lý do từ chối</dt>
          <dd>
            {d.refusalReason}
            {d.legalBasis ? <small class="muted"> · căn cứ {d.legalBasis}</small> : null}
          </dd>
        </>
      ) : null}
      {d.assignee ? (
        <>
          <dt>Cán bộ xử lý</dt>
          <dd>
            {d.assigneeName ?? d.assignee}
            {d.department ? ` · ${d.department}` : ''}
          </dd>
        </>
      ) : null}
      {d.pauses?.length ? (
        <>
          <dt>Tạm dừng</dt>
          <dd id="pauses">
            <ul class="plain">
              {d.pauses.map((p) => (
                <li key={p.pausedAt}>
                  {label(PAUSE_LABEL, p.kind)}: {p.reason} · từ {fmtDateTime(p.pausedAt, tz)}
                  {p.resumedAt ? ` đến ${fmtDateTime(p.resumedAt, tz)}` : ' (đang tạm dừng)'}
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
      {d.resolvedAt ? (
        <>
          <dt>Có kết quả lúc</dt>
          <dd id="resolved-at">{fmtDateTime(d.resolvedAt, tz)}</dd>
        </>
      ) : null}
      {d.returnedAt ? (
        <>
          <dt>Đã trả kết quả</dt>
          <dd id="returned-at">
            {fmtDateTime(d.returnedAt, tz)}
            {d.returnMethod ? ` · ${label(RETURN_METHOD_LABEL, d.returnMethod)}` : ''}
            {d.returnRecipient ? (
              <>
                {' · người nhận '}
                {d.returnRecipient.name}
                {d.returnRecipient.idNumber ? ` (CCCD ${d.returnRecipient.idNumber})` : ''}
                {d.returnRecipient.relation ? ` · ${d.returnRecipient.relation}` : ''}
              </>
            ) : null}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

/** `#/ho-so/<id>`: the dossier, the steps the user's roles allow in its status, its forms, its history. */
export function DossierPage({ id, user, ref_ }: { id: string; user: User; ref_: Reference }) {
  const [d, setD] = useState<DossierView>();
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<string>();
  const [reload, setReload] = useState(0);
  const [formError, setFormError] = useState<string>();
  const [returning, setReturning] = useState<string>();
  useEffect(() => {
    setError(undefined);
    getJson<DossierView>(`/dossiers/${encodeURIComponent(id)}`)
      .then(setD)
      .catch((e) => {
        setD(undefined);
        setError(`Không mở được hồ sơ: ${problemText(e)}`);
      });
  }, [id, reload]);
  if (error)
    return (
      <div class="page">
        <section class="card">
          <h2>Hồ sơ</h2>
          <ProblemBox error={error} />
          <a href="#/">Về trang đầu</a>
        </section>
      </div>
    );
  if (!d) return <div class="page loading">Đang tải hồ sơ…</div>;
  const tz = timeZoneOf(ref_, d.unitCode);
  const steps = STEPS.filter((s) => !s.perTransfer && hasRole(user, ...s.roles) && s.statuses.includes(d.status));
  const step = steps.find((s) => s.name === open);
  const returnStep = STEPS.find((s) => s.perTransfer && hasRole(user, ...s.roles) && s.statuses.includes(d.status));
  const done = () => {
    setOpen(undefined);
    setReturning(undefined);
    setReload((n) => n + 1);
  };
  const print = async (file: string) => {
    setFormError(undefined);
    try {
      window.open(await fileUrl(`/dossiers/${d.id}/forms/${file}`, 'application/pdf'), '_blank');
    } catch (e) {
      setFormError(problemText(e));
    }
  };
  return (
    <div class="page dossier">
      <div class="columns">
        <section class="card">
          <h2>Hồ sơ {d.code}</h2>
          <DossierSummary d={d} ref_={ref_} />
          <h3>Biểu mẫu in</h3>
          <div class="actions" id="forms">
            {FORMS.filter((f) => !f.when || f.when(d)).map((f) => (
              <button type="button" key={f.file} onClick={() => print(f.file)}>
                {f.label}
              </button>
            ))}
          </div>
          <ProblemBox error={formError} />
        </section>
        <section class="card">
          <h2>Các bước xử lý</h2>
          {steps.length === 0 ? <p class="empty">Không có bước nào bạn được thực hiện ở trạng thái này.</p> : null}
          <div class="actions" id="steps">
            {steps.map((s) => (
              <button type="button" key={s.name} data-step={s.name} class={open === s.name ? 'active' : ''} onClick={() => setOpen(s.name)}>
                {s.label}
              </button>
            ))}
          </div>
          {step ? (
            <StepForm
              key={step.name}
              step={step}
              dossierId={d.id}
              version={d.version}
              timeZone={tz}
              ref_={ref_}
              onCancel={() => setOpen(undefined)}
              onDone={done}
            />
          ) : null}
          {d.transfers?.length ? (
            <>
              <h3>Liên thông</h3>
              <TransferTable d={d} ref_={ref_} canReturn={!!returnStep} returning={returning} onReturn={setReturning} />
              {returnStep && returning ? (
                <StepForm
                  key={`${returnStep.name}.${returning}`}
                  step={returnStep}
                  dossierId={d.id}
                  version={d.version}
                  timeZone={tz}
                  ref_={ref_}
                  pathParams={{ transferId: returning }}
                  onCancel={() => setReturning(undefined)}
                  onDone={done}
                />
              ) : null}
            </>
          ) : null}
          {d.status !== 'refused-at-reception' ? <NotificationLog dossierId={d.id} user={user} timeZone={tz} reloadKey={reload} /> : null}
          <h3>Lịch sử</h3>
          <HistoryTimeline dossierId={d.id} timeZone={tz} reloadKey={reload} />
        </section>
      </div>
    </div>
  );
}

/** The liên thông hand-offs: agency, task, due time in its timing colour, return. */
function TransferTable(props: { d: DossierView; ref_: Reference; canReturn: boolean; returning?: string; onReturn: (id: string) => void }) {
  const { d, ref_ } = props;
  return (
    <table class="grid" id="transfers">
      <thead>
        <tr>
          <th>Cơ quan</th>
          <th>Nội dung</th>
          <th>Chuyển lúc</th>
          <th>Hạn trả</th>
          <th>Trả lại</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {d.transfers!.map((t) => {
          const tz = timeZoneOf(ref_, t.toUnitCode);
          return (
            <tr key={t.transferId} data-transfer={t.transferId} class={`transfer-${t.timing}`}>
              <td class="wrap">{unitName(ref_, t.toUnitCode)}</td>
              <td class="wrap">{t.task}</td>
              <td>{fmtDateTime(t.transferredAt, tz)}</td>
              <td>
                <span class={`due due-${TRANSFER_DUE[t.timing] ?? 'ok'}`}>{fmtDateTime(t.dueAt, tz)}</span>{' '}
                <span class={`badge timing-${t.timing}`}>{label(TIMING_LABEL, t.timing)}</span>
              </td>
              <td class="wrap">
                {t.returnedAt ? (
                  <>
                    {fmtDateTime(t.returnedAt, tz)} · {t.outcome === 'refused' ? 'Từ chối thực hiện' : 'Đã thực hiện'}
                    {t.note ? <small class="muted"> · {t.note}</small> : null}
                  </>
                ) : (
                  <span class="muted">Chưa trả</span>
                )}
              </td>
              <td>
                {!t.returnedAt && props.canReturn ? (
                  <button type="button" class={`small${props.returning === t.transferId ? ' active' : ''}`} onClick={() => props.onReturn(t.transferId)}>
                    Nhận lại
                  </button>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The due-time colour of a transfer's timing (the same palette as the work list). */
const TRANSFER_DUE: Record<string, string> = { 'within-time': 'ok', overdue: 'overdue', early: 'closed', 'on-time': 'closed', late: 'overdue' };

interface NoticeRow {
  id: string;
  event: string;
  channel: string;
  to: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  sentAt?: string;
}

const NOTICE_STATUS: Record<string, string> = { pending: 'Đang chờ gửi', sent: 'Đã gửi', failed: 'Gửi lỗi' };
const NOTICE_CHANNEL: Record<string, string> = { email: 'Thư điện tử', sms: 'Tin nhắn SMS' };

/** The delivery log of the notices to the applicant (`GET /dossiers/{id}/notifications`), and the opt-out. */
function NotificationLog({ dossierId, user, timeZone, reloadKey }: { dossierId: string; user: User; timeZone: string; reloadKey: number }) {
  const [items, setItems] = useState<NoticeRow[]>();
  const [error, setError] = useState<string>();
  const [info, setInfo] = useState<string>();
  const [again, setAgain] = useState(0);
  useEffect(() => {
    setError(undefined);
    getJson<{ items: NoticeRow[] }>(`/dossiers/${dossierId}/notifications`)
      .then((r) => setItems(r.items))
      .catch((e) => setError(problemText(e)));
  }, [dossierId, reloadKey, again]);
  const optOut = async () => {
    if (!confirm('Ghi nhận công dân không muốn nhận thông báo về hồ sơ này nữa? Các thông báo đang chờ sẽ không gửi.')) return;
    setError(undefined);
    try {
      await postJson(`/dossiers/${dossierId}/notifications/opt-out`, {});
      setInfo('Đã ghi nhận: công dân không nhận thông báo qua thư điện tử và SMS về hồ sơ này nữa.');
      setAgain((n) => n + 1);
    } catch (e) {
      setError(problemText(e));
    }
  };
  return (
    <section id="notifications">
      <h3>Thông báo gửi công dân</h3>
      <ProblemBox error={error} />
      {items && items.length === 0 ? (
        <p class="empty" id="notifications-empty">
          Chưa có thông báo nào gửi công dân về hồ sơ này (đơn vị chưa bật kênh thư điện tử/SMS, hoặc người nộp không để lại địa chỉ).
        </p>
      ) : null}
      {items && items.length > 0 ? (
        <table class="grid" id="notifications-table">
          <thead>
            <tr>
              <th>Sự kiện</th>
              <th>Kênh</th>
              <th>Gửi đến</th>
              <th>Trạng thái</th>
              <th>Số lần gửi</th>
              <th>Gửi lúc</th>
            </tr>
          </thead>
          <tbody>
            {items.map((n) => (
              <tr key={n.id} class={`notice-${n.status}`}>
                <td>{label(EVENT_LABEL, n.event)}</td>
                <td>{label(NOTICE_CHANNEL, n.channel)}</td>
                <td class="code">{n.to}</td>
                <td>
                  <span class={`badge notice-${n.status}`}>{label(NOTICE_STATUS, n.status)}</span>
                </td>
                <td>{n.attempts}</td>
                <td>{n.sentAt ? fmtDateTime(n.sentAt, timeZone) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {info ? (
        <div class="success" role="status">
          {info}
        </div>
      ) : null}
      {hasRole(user, 'clerk', 'officer', 'supervisor', 'admin') ? (
        <div class="actions">
          <button type="button" class="small" id="opt-out" onClick={optOut}>
            Công dân từ chối nhận thông báo
          </button>
        </div>
      ) : null}
    </section>
  );
}
