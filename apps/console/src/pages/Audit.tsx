import { useEffect, useState } from 'preact/hooks';
import { getJson, problemText, query } from '../api';
import { ProblemBox } from '../components';
import { DateInput } from '../DateInput';
import { DOSSIER_CODE, findByCode } from '../find';
import { fmtDateTime, fmtNumber, isoToLocalInput, localInputToIso } from '../format';
import { Reference, timeZoneOf } from '../reference';
import { navigate, Route } from '../router';
import { DossierSummary, DossierView } from './Dossier';
import { HistoryTimeline } from './History';

interface VerifyReport {
  ok: boolean;
  stream?: string;
  checked: number;
  streams: number;
  firstBroken?: Record<string, unknown>;
  scope?: 'all' | 'units';
}

function VerifyResult({ r }: { r: VerifyReport }) {
  return (
    <div class={r.ok ? 'success' : 'problem'} role="status" id="verify-result">
      {r.ok ? 'Chuỗi băm toàn vẹn' : 'Chuỗi băm bị đứt'}: đã kiểm {fmtNumber(r.checked)} sự kiện trong {fmtNumber(r.streams)} luồng
      {r.scope === 'units' ? ' (các đơn vị của bạn)' : r.scope === 'all' ? ' (toàn bộ nhật ký)' : ''}.
      {r.firstBroken ? (
        <div>
          Mắt xích hỏng đầu tiên: <code>{JSON.stringify(r.firstBroken)}</code>
        </div>
      ) : null}
    </div>
  );
}

/** `#/kiem-tra?id=`: a dossier's timeline, the dossier as of a moment, hash-chain verification. */
export function Audit({ route, ref_ }: { route: Route; ref_: Reference }) {
  const id = route.params.get('id') ?? '';
  const [text, setText] = useState(id);
  const [error, setError] = useState<string>();
  const [dossier, setDossier] = useState<DossierView>();
  const [asOf, setAsOf] = useState('');
  const [by, setBy] = useState<'occurred' | 'recorded'>('occurred');
  const [asOfView, setAsOfView] = useState<DossierView>();
  const [asOfError, setAsOfError] = useState<string>();
  const [verify, setVerify] = useState<VerifyReport>();
  const [verifyError, setVerifyError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const tz = timeZoneOf(ref_, dossier?.unitCode);

  useEffect(() => {
    setDossier(undefined);
    setAsOfView(undefined);
    setVerify(undefined);
    if (!id) return;
    getJson<DossierView>(`/dossiers/${encodeURIComponent(id)}`)
      .then((d) => {
        setDossier(d);
        setAsOf(isoToLocalInput(new Date().toISOString(), timeZoneOf(ref_, d.unitCode)));
      })
      .catch((e) => setError(problemText(e)));
  }, [id]);

  const open = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const t = text.trim();
    if (!DOSSIER_CODE.test(t)) return navigate('/kiem-tra', { id: t });
    try {
      const hit = await findByCode(t);
      if (hit) navigate('/kiem-tra', { id: hit.id });
      else setError(`Không tìm thấy hồ sơ mã ${t}.`);
    } catch (err) {
      setError(problemText(err));
    }
  };

  const loadAsOf = async (e: Event) => {
    e.preventDefault();
    setAsOfError(undefined);
    try {
      setAsOfView(await getJson<DossierView>(`/dossiers/${id}${query({ asOf: localInputToIso(asOf, tz), by })}`));
    } catch (err) {
      setAsOfView(undefined);
      setAsOfError(problemText(err));
    }
  };

  const runVerify = async (stream?: string) => {
    setVerifyError(undefined);
    setVerify(undefined);
    setBusy(true);
    try {
      setVerify(await getJson<VerifyReport>(`/audit/verify${query({ stream })}`));
    } catch (err) {
      setVerifyError(problemText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page audit">
      <section class="card">
        <h2>Kiểm tra, thanh tra</h2>
        <form class="filters" onSubmit={open}>
          <div class="field grow">
            <label for="audit-id">Mã hồ sơ hoặc định danh (UUID)</label>
            <input id="audit-id" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
          </div>
          <button type="submit">Xem lịch sử</button>
          <button type="button" onClick={() => runVerify()} disabled={busy} id="verify-log">
            Kiểm tra chuỗi băm toàn bộ nhật ký
          </button>
        </form>
        <ProblemBox error={error} />
        <ProblemBox error={verifyError} />
        {verify && !dossier ? <VerifyResult r={verify} /> : null}
      </section>
      {dossier ? (
        <div class="columns">
          <section class="card">
            <h2>Hồ sơ {dossier.code}</h2>
            <DossierSummary d={dossier} ref_={ref_} />
            <div class="actions">
              <button type="button" onClick={() => runVerify(`dossier-${dossier.id}`)} disabled={busy} id="verify-dossier">
                Kiểm tra chuỗi băm của hồ sơ
              </button>
              <button type="button" onClick={() => runVerify()} disabled={busy}>
                Kiểm tra toàn bộ nhật ký
              </button>
            </div>
            {verify ? <VerifyResult r={verify} /> : null}
            <h3>Hồ sơ tại một thời điểm</h3>
            <form class="filters" onSubmit={loadAsOf}>
              <div class="field">
                <label for="asof">Thời điểm</label>
                <DateInput id="asof" withTime value={asOf} onChange={setAsOf} required />
              </div>
              <div class="field">
                <label for="asof-by">Theo</label>
                <select id="asof-by" value={by} onChange={(e) => setBy((e.target as HTMLSelectElement).value as typeof by)}>
                  <option value="occurred">thời điểm xảy ra</option>
                  <option value="recorded">thời điểm ghi nhận (hệ thống biết lúc đó)</option>
                </select>
              </div>
              <button type="submit">Xem</button>
            </form>
            <ProblemBox error={asOfError} />
            {asOfView ? (
              <div id="asof-view">
                <p class="muted">
                  Trạng thái lúc {fmtDateTime(localInputToIso(asOf, tz), tz)} (phiên bản {asOfView.version}):
                </p>
                <DossierSummary d={asOfView} ref_={ref_} />
              </div>
            ) : null}
          </section>
          <section class="card">
            <h2>Dòng thời gian</h2>
            <p class="muted">
              Mỗi bước: thời điểm xảy ra, thời điểm ghi nhận, người thực hiện; <span class="badge backdated-badge">Nhập lùi</span> là bước ghi nhận muộn hơn lúc
              xảy ra.
            </p>
            <HistoryTimeline dossierId={dossier.id} timeZone={tz} />
          </section>
        </div>
      ) : null}
    </div>
  );
}
