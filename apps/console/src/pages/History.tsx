import { useEffect, useState } from 'preact/hooks';
import { getJson, problemText } from '../api';
import { ProblemBox } from '../components';
import { fmtDateTime } from '../format';
import { EVENT_LABEL, label } from '../labels';

export interface HistoryEntry {
  type: string;
  version: number;
  occurredAt: string;
  recordedAt: string;
  backdated: boolean;
  actor: { id: string; name?: string; roles?: string[] };
  data: Record<string, unknown>;
}

const HIDDEN = new Set(['schemaVersion', 'applicant', 'dossierId', 'code']);

function summary(data: Record<string, unknown>): string {
  return Object.entries(data ?? {})
    .filter(([k, v]) => !HIDDEN.has(k) && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(' · ');
}

/** The dossier's events as a timeline: business time and recorded time, actor, backdated entries marked. */
export function HistoryTimeline({ dossierId, timeZone, reloadKey }: { dossierId: string; timeZone: string; reloadKey?: unknown }) {
  const [events, setEvents] = useState<HistoryEntry[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    getJson<{ events: HistoryEntry[] }>(`/dossiers/${dossierId}/history`)
      .then((h) => setEvents(h.events))
      .catch((e) => setError(problemText(e)));
  }, [dossierId, reloadKey]);
  return (
    <div class="history">
      <ProblemBox error={error} />
      <ol class="timeline" id="timeline">
        {(events ?? []).map((e) => (
          <li key={e.version} class={e.backdated ? 'backdated' : ''} data-type={e.type}>
            <div class="when">
              <span title="Thời điểm xảy ra (nghiệp vụ)">{fmtDateTime(e.occurredAt, timeZone)}</span>
              {e.backdated ? (
                <span class="badge backdated-badge" title="Ghi nhận muộn hơn thời điểm xảy ra quá 5 phút">
                  Nhập lùi
                </span>
              ) : null}
              <small>ghi nhận {fmtDateTime(e.recordedAt, timeZone)}</small>
            </div>
            <div class="what">
              <strong>{label(EVENT_LABEL, e.type)}</strong> <small class="muted">#{e.version}</small>
              <div class="muted">
                {e.actor?.name ?? e.actor?.id}
                {e.actor?.name ? ` (${e.actor.id})` : ''}
              </div>
              {summary(e.data) ? <div class="data">{summary(e.data)}</div> : null}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
