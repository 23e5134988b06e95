import { useEffect, useRef, useState } from 'preact/hooks';
import { API_BASE, getJson, postJson, problemText, query } from '../api';
import { Notice, ProblemBox } from '../components';
import { fmtDateTime } from '../format';
import { ALERT_KIND_LABEL, ALERT_STATE_LABEL, label } from '../labels';
import { Reference, timeZoneOf, unitName } from '../reference';
import { replaceParams, Route } from '../router';
import { currentToken, currentUser, hasRole, User } from '../session';

export interface Alert {
  id: string;
  kind: string;
  dossierId: string;
  dossierCode?: string;
  unitCode: string;
  assignee?: string;
  dueAt: string;
  raisedAt: string;
  state: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
}

type Link = 'connecting' | 'live' | 'retrying';
const LINK_LABEL: Record<Link, string> = {
  connecting: 'Đang kết nối…',
  live: 'Đang nhận cảnh báo trực tiếp',
  retrying: 'Mất kết nối — đang kết nối lại (cảnh báo bị lỡ sẽ được gửi bù)',
};

/**
 * The live stream of new alerts (`GET /alerts/stream`, token as ?access_token= since EventSource
 * sends no header). A dropped connection is resumed by the browser with Last-Event-ID (the API
 * replays what was missed); a refused one (503, a restart) is reopened here with ?lastEventId=.
 */
function useAlertStream(onAlert: (a: Alert) => void, onExpired: () => void): Link {
  const [link, setLink] = useState<Link>('connecting');
  const handler = useRef(onAlert);
  handler.current = onAlert;
  useEffect(() => {
    let source: EventSource | undefined;
    let lastId: string | undefined;
    let retry: number | undefined;
    let stopped = false;
    const open = () => {
      const token = currentToken();
      if (!token || !currentUser()) return onExpired();
      source = new EventSource(`${API_BASE}/alerts/stream${query({ access_token: token, lastEventId: lastId })}`);
      source.onopen = () => setLink('live');
      source.addEventListener('alert', (e) => {
        const ev = e as MessageEvent<string>;
        if (ev.lastEventId) lastId = ev.lastEventId;
        handler.current(JSON.parse(ev.data) as Alert);
      });
      source.onerror = () => {
        if (stopped) return;
        setLink('retrying');
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = window.setTimeout(open, 3000);
        }
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, []);
  return link;
}

/** `#/canh-bao`: open alerts of the user's units, live; acknowledge; filter by kind and state. */
export function Alerts({ route, user, ref_, onExpired }: { route: Route; user: User; ref_: Reference; onExpired: () => void }) {
  const kind = route.params.get('kind') ?? '';
  const state = route.params.get('state') ?? 'open';
  const [items, setItems] = useState<Alert[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string>();
  const [notify, setNotify] = useState(typeof Notification !== 'undefined' ? Notification.permission : 'denied');
  const mayAck = hasRole(user, 'supervisor', 'officer', 'admin');
  const filter = useRef({ kind, state });
  filter.current = { kind, state };

  useEffect(() => {
    setError(undefined);
    getJson<{ items: Alert[] }>(`/alerts${query({ kind, state, limit: 100 })}`)
      .then((p) => setItems(p.items))
      .catch((e) => setError(problemText(e)));
  }, [kind, state]);

  const link = useAlertStream((a) => {
    if (a.state !== filter.current.state || (filter.current.kind && a.kind !== filter.current.kind)) return;
    setItems((list) => [a, ...list.filter((x) => x.id !== a.id)]);
    setFresh((s) => new Set(s).add(a.id));
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted')
      new Notification(`Cảnh báo: ${label(ALERT_KIND_LABEL, a.kind)}`, { body: `Hồ sơ ${a.dossierCode ?? a.dossierId}`, tag: a.id });
  }, onExpired);

  const acknowledge = async (a: Alert) => {
    try {
      const view = await postJson<Alert>(`/alerts/${encodeURIComponent(a.id)}/acknowledge`, {});
      setItems((list) => (state === 'open' ? list.filter((x) => x.id !== a.id) : list.map((x) => (x.id === a.id ? view : x))));
    } catch (e) {
      setError(problemText(e));
    }
  };

  return (
    <div class="page">
      <section class="card">
        <div class="title-row">
          <h2>Cảnh báo hạn xử lý</h2>
          <span class={`link link-${link}`} id="stream-state">
            {LINK_LABEL[link]}
          </span>
        </div>
        <div class="filters">
          <div class="field">
            <label for="al-kind">Loại cảnh báo</label>
            <select id="al-kind" value={kind} onChange={(e) => replaceParams({ kind: (e.target as HTMLSelectElement).value, state })}>
              <option value="">Tất cả</option>
              {Object.entries(ALERT_KIND_LABEL).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="al-state">Tình trạng</label>
            <select id="al-state" value={state} onChange={(e) => replaceParams({ kind, state: (e.target as HTMLSelectElement).value })}>
              {Object.entries(ALERT_STATE_LABEL).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          {notify === 'default' ? (
            <button type="button" onClick={() => Notification.requestPermission().then(setNotify)}>
              Bật thông báo của trình duyệt
            </button>
          ) : null}
        </div>
        <ProblemBox error={error} />
        {items.length === 0 ? <Notice>Không có cảnh báo nào.</Notice> : null}
        <table class="grid" id="alerts-table">
          <thead>
            <tr>
              <th>Loại</th>
              <th>Hồ sơ</th>
              <th>Đơn vị</th>
              <th>Cán bộ xử lý</th>
              <th>Hạn xử lý</th>
              <th>Phát sinh lúc</th>
              <th>Tình trạng</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => {
              const tz = timeZoneOf(ref_, a.unitCode);
              return (
                <tr key={a.id} data-alert={a.id} data-kind={a.kind} class={`kind-${a.kind}${fresh.has(a.id) ? ' fresh' : ''}`}>
                  <td>
                    <span class={`badge alert-${a.kind}`}>{label(ALERT_KIND_LABEL, a.kind)}</span>
                  </td>
                  <td>
                    <a href={`#/ho-so/${a.dossierId}`} class="code">
                      {a.dossierCode ?? a.dossierId}
                    </a>
                  </td>
                  <td class="wrap">{unitName(ref_, a.unitCode)}</td>
                  <td>{a.assignee ?? ''}</td>
                  <td>{fmtDateTime(a.dueAt, tz)}</td>
                  <td>{fmtDateTime(a.raisedAt, tz)}</td>
                  <td>
                    {label(ALERT_STATE_LABEL, a.state)}
                    {a.acknowledgedBy ? <small class="muted"> · {a.acknowledgedBy}</small> : null}
                  </td>
                  <td>
                    {mayAck && a.state === 'open' ? (
                      <button type="button" class="small" onClick={() => acknowledge(a)}>
                        Xác nhận đã xem
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}
