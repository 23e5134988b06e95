import { DossierAlreadyExists, DossierClosed, InvalidCommand, OccurredInFuture, CorruptDossierStream } from '../errors';
import { evolve, foldDossier } from '../evolve';
import { decide } from '../decide';
import { statusAfter } from '../status';
import { cmd, CODE, corrupt, d, ev, NOW, RECEIVED_AT, spec } from './fixtures';

const LATER = '2025-03-04T03:00:00.000Z';

describe('RefuseAtReception (form 03: refused at the counter, recorded with a code, never received)', () => {
  it('given nothing, when refused with a reason and a legal basis, then DossierRefusedAtReception and a terminal state without a clock', () => {
    const state = spec.given([]).when(cmd.refuse()).then([ev.refused()]);
    expect(state).toMatchObject({
      status: 'refused-at-reception',
      code: CODE,
      refusedAt: RECEIVED_AT,
      refusalReason: 'Hồ sơ không thuộc thẩm quyền',
      legalBasis: 'Khoản 2 Điều 18 Nghị định 61/2018/NĐ-CP',
      version: 1,
    });
    expect(state).not.toHaveProperty('dueAt');
    expect(state).not.toHaveProperty('processingTime');
  });

  it('records the competent unit named at the counter (issue #16), and leaves it out when it is the receiving unit', () => {
    const other = { ...cmd.refuse(), data: { ...cmd.refuse().data, competentUnitCode: 'OTHER' } };
    const state = spec
      .given([])
      .when(other)
      .then([{ ...ev.refused(), data: { ...ev.refused().data, competentUnitCode: 'OTHER' } }]);
    expect(state).toMatchObject({ competentUnitCode: 'OTHER' });
    const same = { ...cmd.refuse(), data: { ...cmd.refuse().data, competentUnitCode: cmd.refuse().data.unitCode } };
    spec.given([]).when(same).then([ev.refused()]);
  });

  it('the legal basis is optional', () => {
    const { legalBasis: _omit, ...data } = ev.refused().data;
    void _omit;
    spec
      .given([])
      .when(cmd.refuse({ legalBasis: undefined }))
      .then([{ type: 'DossierRefusedAtReception', data }]);
  });

  it('requires a reason', () => {
    spec
      .given([])
      .when(cmd.refuse({ reason: '  ' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('reason'));
    spec
      .given([])
      .when(corrupt(cmd.refuse(), { reason: undefined }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('reason'));
  });

  it('refuses an empty legal basis, a bad channel, a missing applicant name, an unknown zone', () => {
    spec
      .given([])
      .when(cmd.refuse({ legalBasis: '' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('legalBasis'));
    spec
      .given([])
      .when(corrupt(cmd.refuse(), { channel: 'fax' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('channel'));
    spec
      .given([])
      .when(corrupt(cmd.refuse(), { applicant: {} }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('applicant.name'));
    spec
      .given([])
      .when(cmd.refuse({ timeZone: 'Mars/Olympus' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('timeZone'));
  });

  it('is refused in the future (business time)', () => {
    spec
      .given([])
      .when(cmd.refuse({ occurredAt: new Date(NOW.getTime() + 60_000) }))
      .thenThrows(OccurredInFuture);
  });

  it('is refused when the dossier id was already received, or already refused', () => {
    spec.given([ev.received()]).when(cmd.refuse()).thenThrows(DossierAlreadyExists);
    spec.given([ev.refused()]).when(cmd.refuse()).thenThrows(DossierAlreadyExists);
    spec.given([ev.refused()]).when(cmd.receive()).thenThrows(DossierAlreadyExists);
  });

  it('is terminal: every step on a refused dossier is refused (dossier-closed), alerts append nothing', () => {
    const steps = [
      cmd.assign('officer-1', LATER),
      cmd.requestSupplement(LATER),
      cmd.receiveSupplement(LATER, '2025-03-10T10:00:00.000Z'),
      cmd.apologise(LATER, '2025-03-10T10:00:00.000Z'),
      cmd.resolve(LATER),
      cmd.withdraw(LATER),
      cmd.rate(LATER),
    ];
    for (const step of steps) {
      spec
        .given([ev.refused()])
        .when(step)
        .thenThrows(DossierClosed, (e) => {
          expect(e.code).toBe('dossier-closed');
          expect(e.status).toBe('refused-at-reception');
        });
    }
    expect(decide(cmd.alert('overdue', '2025-03-06T10:00:00.000Z', LATER), foldDossier([ev.refused()]), NOW)).toEqual([]);
  });

  it('a refusal is only ever a first event: a stream with a step after it, or a refusal after a reception, is corrupt', () => {
    expect(() => foldDossier([ev.refused(), ev.resolved(LATER)])).toThrow(CorruptDossierStream);
    expect(() => evolve(foldDossier([ev.received()]), ev.refused())).toThrow(CorruptDossierStream);
    expect(statusAfter('none', ev.refused(), false)).toBe('refused-at-reception');
    expect(statusAfter('refused-at-reception', ev.resolved(LATER), false)).toBe('refused-at-reception');
    expect(d(RECEIVED_AT).toISOString()).toBe(RECEIVED_AT);
  });
});
