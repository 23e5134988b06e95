import { useState } from 'preact/hooks';
import { fileUrl, postJson, problemText } from '../api';
import { ProblemBox, UnitSelect } from '../components';
import { DateInput } from '../DateInput';
import { useDraft } from '../drafts';
import { localInputToIso } from '../format';
import type { Reference } from '../reference';
import { linesToItems, nestBody, StepDef } from '../steps';

/** One form for any step of STEPS: its fields, an optional business time (backdated entry), the dossier version. */
export function StepForm(props: {
  step: StepDef;
  dossierId: string;
  version: number;
  timeZone: string;
  ref_: Reference;
  /** Fills `:name` in the step's path (the transfer being returned). */
  pathParams?: Record<string, string>;
  onDone: (view: unknown) => void;
  onCancel: () => void;
}) {
  const { step } = props;
  const initial: Record<string, string> = { occurredAt: '' };
  for (const f of step.fields) initial[f.name] = f.kind === 'select' && f.required && f.options ? f.options[0][0] : '';
  const draftKey = `step.${props.dossierId}.${step.name}${props.pathParams ? `.${Object.values(props.pathParams).join('.')}` : ''}`;
  const [values, update, clear] = useDraft<Record<string, string>>(draftKey, initial);
  const roots = [...props.ref_.units.values()].filter((u) => !u.parentCode || !props.ref_.units.has(u.parentCode)).map((u) => u.code);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (step.confirm && !confirm(step.confirm)) return;
    setError(undefined);
    setBusy(true);
    try {
      const flat: Record<string, unknown> = {};
      for (const f of step.fields) {
        const v = values[f.name] ?? '';
        flat[f.name] = f.kind === 'datetime' && v ? localInputToIso(v, props.timeZone) : f.kind === 'lines' ? linesToItems(v) : v.trim();
      }
      let body: Record<string, unknown> = { ...nestBody(flat), expectedVersion: props.version };
      if (values.occurredAt) body.occurredAt = localInputToIso(values.occurredAt, props.timeZone);
      if (step.finish) body = step.finish(body);
      const path = (step.path ?? step.name).replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(props.pathParams?.[k] ?? ''));
      const view = await postJson(`/dossiers/${props.dossierId}/${path}`, body);
      clear();
      if (step.printAfter) {
        const url = await fileUrl(`/dossiers/${props.dossierId}/forms/${step.printAfter}`, 'application/pdf');
        window.open(url, '_blank');
      }
      props.onDone(view);
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card step-form" onSubmit={submit} id={`step-${step.name}`}>
      <h3>{step.label}</h3>
      {step.fields.map((f) => {
        const id = `step-${step.name}-${f.name}`;
        const set = (e: Event) => update({ [f.name]: (e.target as HTMLInputElement).value });
        return (
          <div class="field" key={f.name}>
            <label for={id}>
              {f.label}
              {f.required ? ' *' : ''}
            </label>
            {f.kind === 'textarea' || f.kind === 'lines' ? (
              <textarea id={id} rows={3} value={values[f.name]} onInput={set} required={f.required} placeholder={f.placeholder} />
            ) : f.kind === 'unit' ? (
              <UnitSelect
                id={id}
                ref_={props.ref_}
                roots={roots}
                value={values[f.name]}
                onChange={(v) => update({ [f.name]: v })}
                emptyLabel="— Chọn cơ quan —"
              />
            ) : f.kind === 'number' ? (
              <input id={id} type="number" min={1} step={1} value={values[f.name]} onInput={set} required={f.required} />
            ) : f.kind === 'select' ? (
              <select id={id} value={values[f.name]} onChange={set} required={f.required}>
                {f.required ? null : <option value="">—</option>}
                {f.options?.map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
            ) : f.kind === 'datetime' ? (
              <DateInput id={id} withTime value={values[f.name]} onChange={(v) => update({ [f.name]: v })} required={f.required} />
            ) : (
              <input id={id} type="text" value={values[f.name]} onInput={set} required={f.required} placeholder={f.placeholder} />
            )}
          </div>
        );
      })}
      {step.hint ? <p class="hint">{step.hint}</p> : null}
      <details>
        <summary>Nhập lùi thời gian (việc đã làm trước đó)</summary>
        <div class="field">
          <label for={`step-${step.name}-occurredAt`}>Thời điểm thực tế</label>
          <DateInput id={`step-${step.name}-occurredAt`} withTime value={values.occurredAt} onChange={(v) => update({ occurredAt: v })} />
        </div>
      </details>
      <ProblemBox error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Ghi nhận
        </button>
        <button type="button" onClick={props.onCancel}>
          Đóng
        </button>
      </div>
    </form>
  );
}
