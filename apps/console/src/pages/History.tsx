import { useEffect, useState } from 'preact/hooks';
import { getJson, problemText } from '../api';
import { ProblemBox } from '../components';
import { fmtDateTime } from '../format';
import { CHANNEL_LABEL, EVENT_LABEL, label } from '../labels';

export interface HistoryEntry {
  type: string;
  version: number;
  occurredAt: string;
  recordedAt: string;
  backdated: boolean;
  actor: { id: string; name?: string; roles?: string[] };
  data: Record<string, unknown>;
}

/** The event fields worth a line in the timeline, in Vietnamese; the rest stays in the API's history. */
const SHOWN: [field: string, label: string, kind?: 'time' | 'outcome' | 'rating' | 'channel'][] = [
  ['procedureName', 'Thủ tục'],
  ['toUnitCode', 'Chuyển đến'],
  ['task', 'Nội dung'],
  ['channel', 'Hình thức', 'channel'],
  ['dueAt', 'Hạn trả', 'time'],
  ['assigneeName', 'Cán bộ'],
  ['assignee', 'Mã cán bộ'],
  ['department', 'Phòng'],
  ['reason', 'Lý do'],
  ['newDueAt', 'Hẹn lại', 'time'],
  ['letterNumber', 'Số văn bản'],
  ['outcome', 'Kết quả', 'outcome'],
  ['note', 'Ghi chú'],
  ['rating', 'Đánh giá', 'rating'],
];
const OUTCOME: Record<string, string> = { approved: 'Chấp thuận', refused: 'Từ chối', done: 'Đã thực hiện' };
const RATING: Record<string, string> = { satisfied: 'Hài lòng', neutral: 'Bình thường', dissatisfied: 'Không hài lòng' };

function summary(data: Record<string, unknown>, timeZone: string): string {
  const out: string[] = [];
  for (const [field, name, kind] of SHOWN) {
    const v = data?.[field];
    if (v === undefined || v === null || v === '' || typeof v === 'object') continue;
    const text =
      kind === 'time'
        ? fmtDateTime(String(v), timeZone)
        : kind === 'outcome'
          ? label(OUTCOME, String(v))
          : kind === 'rating'
            ? label(RATING, String(v))
            : kind === 'channel'
              ? label(CHANNEL_LABEL, String(v))
              : String(v);
    out.push(`${name}: ${text}`);
  }
  return out.join(' · ');
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
              {summary(e.data, timeZone) ? <div class="data">{summary(e.data, timeZone)}</div> : null}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
