import { ALERT_KINDS, DOSSIER_STATUSES, type AlertKind } from '../../shared/types';
import { CLOCK_RUNNING_STATUSES, isClockRunning } from '../clock';
import { ALERT_EVENT_TYPE_BY_KIND, DOSSIER_EVENT_SCHEMA_VERSIONS, DOSSIER_EVENT_TYPES } from '../events';
import { foldDossier } from '../evolve';
import { DOSSIER_UPCASTERS, toDossierEvent, UnreadableDossierEvent, type DossierUpcaster } from '../upcast';
import { DUE_AT, ev, RECEIVED_AT } from './fixtures';

describe('toDossierEvent: the one checked door from a stored event to a dossier event', () => {
  const stored = (e: { type: string; data: unknown }, schemaVersion?: unknown) => ({ ...e, metadata: schemaVersion === undefined ? {} : { schemaVersion } });

  it('returns a current-version dossier event as it was stored (no upcaster registered today)', () => {
    expect(DOSSIER_UPCASTERS).toHaveLength(0);
    const received = ev.received();
    expect(toDossierEvent(stored(received, 1))).toEqual(received);
    expect(toDossierEvent(stored(received))).toEqual(received); // no version recorded: version 1
    expect(toDossierEvent({ type: 'DossierAssigned', data: { assignee: 'u', assignedAt: RECEIVED_AT } })).toEqual(ev.assigned('u', RECEIVED_AT));
  });

  it('throws a typed error for a type that is not a dossier event, a future version, a bad version or no payload', () => {
    const cases: [unknown, RegExp][] = [
      [stored({ type: 'DossierCodeAllocated', data: {} }, 1), /not a dossier event type/],
      [stored({ type: 'toString', data: {} }, 1), /not a dossier event type/],
      [stored(ev.received(), 2), /reads up to version 1/],
      [stored(ev.received(), 0), /whole number/],
      [stored(ev.received(), '1'), /whole number/],
      [stored({ type: 'DossierReceived', data: null }, 1), /not an object/],
    ];
    for (const [input, message] of cases) {
      expect(() => toDossierEvent(input as never)).toThrow(UnreadableDossierEvent);
      expect(() => toDossierEvent(input as never)).toThrow(message);
    }
  });

  it('applies the registered upcasters step by step from the stored version to the current one', () => {
    // A fake schema change: SatisfactionRated v1 {rating, ratedAt} → v2 {score, ratedAt} → v3 {rating, ratedAt, channel}
    const upcasters: DossierUpcaster[] = [
      {
        type: 'SatisfactionRated',
        fromVersion: 2,
        upcast: (d) => ({ rating: (d as { score: string }).score, ratedAt: (d as { ratedAt: string }).ratedAt, channel: 'kiosk' }),
      },
      { type: 'SatisfactionRated', fromVersion: 1, upcast: (d) => ({ score: (d as { rating: string }).rating, ratedAt: (d as { ratedAt: string }).ratedAt }) },
    ];
    const currentVersions = { ...DOSSIER_EVENT_SCHEMA_VERSIONS, SatisfactionRated: 3 };
    const v1 = stored({ type: 'SatisfactionRated', data: { rating: 'satisfied', ratedAt: RECEIVED_AT } }, 1);
    expect(toDossierEvent(v1, { upcasters, currentVersions })).toEqual({
      type: 'SatisfactionRated',
      data: { rating: 'satisfied', ratedAt: RECEIVED_AT, channel: 'kiosk' },
    });
    const v2 = stored({ type: 'SatisfactionRated', data: { score: 'neutral', ratedAt: RECEIVED_AT } }, 2);
    expect(toDossierEvent(v2, { upcasters, currentVersions }).data).toEqual({ rating: 'neutral', ratedAt: RECEIVED_AT, channel: 'kiosk' });
    // other types are untouched
    expect(toDossierEvent(stored(ev.received(), 1), { upcasters, currentVersions })).toEqual(ev.received());
    // a missing step is an error, not a silently half-upcast payload
    expect(() => toDossierEvent(v1, { upcasters: [upcasters[0]], currentVersions })).toThrow(/no upcaster from version 1 to 2/);
    // the stored event is never mutated
    expect(v1.data).toEqual({ rating: 'satisfied', ratedAt: RECEIVED_AT });
  });

  it('reads every dossier event type', () => {
    for (const type of DOSSIER_EVENT_TYPES) expect(toDossierEvent({ type, data: {}, metadata: { schemaVersion: 1 } }).type).toBe(type);
  });
});

describe('isClockRunning and ALERT_KINDS: one definition each', () => {
  it('the clock runs exactly while the dossier is received or assigned', () => {
    expect(DOSSIER_STATUSES.filter((s) => isClockRunning(s))).toEqual([...CLOCK_RUNNING_STATUSES]);
    expect(isClockRunning('none')).toBe(false);
    const received = foldDossier([ev.received()]);
    expect(isClockRunning(received)).toBe(true);
    const stopped = foldDossier([ev.received(), ev.supplementRequested('2025-03-04T02:00:00.000Z')]);
    expect(isClockRunning(stopped)).toBe(false);
    const restarted = foldDossier([
      ev.received(),
      ev.supplementRequested('2025-03-04T02:00:00.000Z'),
      ev.supplementReceived('2025-03-05T02:00:00.000Z', '2025-03-10T10:00:00.000Z', DUE_AT),
    ]);
    expect(isClockRunning(restarted)).toBe(true);
    expect(isClockRunning(foldDossier([ev.received(), ev.resolved('2025-03-04T02:00:00.000Z')]))).toBe(false);
    expect(isClockRunning(foldDossier([ev.received(), ev.withdrawn('2025-03-04T02:00:00.000Z')]))).toBe(false);
  });

  it('lists each alert kind once, each with its event type', () => {
    expect(new Set(ALERT_KINDS).size).toBe(ALERT_KINDS.length);
    expect(Object.keys(ALERT_EVENT_TYPE_BY_KIND).sort()).toEqual([...ALERT_KINDS].sort());
    const kind: AlertKind = ALERT_KINDS[0];
    expect(kind).toBe('near-deadline');
  });
});
