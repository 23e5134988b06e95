import { useEffect, useState } from 'preact/hooks';
import { fileUrl, getJson, problemText } from '../api';
import { DueCell, ProblemBox, StatusBadge } from '../components';
import { fmtDateTime } from '../format';
import { CHANNEL_LABEL, label, TIMING_LABEL } from '../labels';
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
}

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
      {d.competentUnitCode && d.competentUnitCode !== d.unitCode ? (
        <>
          <dt>Cơ quan giải quyết</dt>
          <dd>{unitName(ref_, d.competentUnitCode)}</dd>
        </>
      ) : null}
      <dt>Tiếp nhận lúc</dt>
      <dd>{fmtDateTime(d.receivedAt, tz)}</dd>
      <dt>Hẹn trả kết quả</dt>
      <dd>
        <DueCell item={d} timeZone={tz} />
        {d.originalDueAt && d.originalDueAt !== d.dueAt ? <small class="muted"> (hạn theo luật {fmtDateTime(d.originalDueAt, tz)})</small> : null}
      </dd>
      {d.assignee ? (
        <>
          <dt>Cán bộ xử lý</dt>
          <dd>
            {d.assigneeName ?? d.assignee}
            {d.department ? ` · ${d.department}` : ''}
          </dd>
        </>
      ) : null}
      {d.resolvedAt ? (
        <>
          <dt>Có kết quả lúc</dt>
          <dd>{fmtDateTime(d.resolvedAt, tz)}</dd>
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
  const steps = STEPS.filter((s) => hasRole(user, ...s.roles) && s.statuses.includes(d.status));
  const step = steps.find((s) => s.name === open);
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
              onCancel={() => setOpen(undefined)}
              onDone={() => {
                setOpen(undefined);
                setReload((n) => n + 1);
              }}
            />
          ) : null}
          <h3>Lịch sử</h3>
          <HistoryTimeline dossierId={d.id} timeZone={tz} reloadKey={reload} />
        </section>
      </div>
    </div>
  );
}
