import { DossierAlreadyExists, InvalidCommand, OccurredInFuture } from '../errors';
import { cmd, corrupt, d, DUE_AT, ev, ID, NOW, RECEIVED_AT, spec } from './fixtures';

describe('ReceiveDossier', () => {
  it('records the reception with the due time frozen into the event', () => {
    const state = spec.given([]).when(cmd.receive()).then([ev.received()]);
    expect(state).toMatchObject({
      status: 'received',
      id: ID,
      receivedAt: RECEIVED_AT,
      clockStartedAt: RECEIVED_AT,
      dueAt: DUE_AT,
      effectiveDueAt: DUE_AT,
      appointedDueAt: undefined,
      version: 1,
      lastOccurredAt: RECEIVED_AT,
      supplements: [],
      alerts: [],
    });
  });

  it('omits optional fields that were not given', () => {
    const { procedureName: _omitted, ...withoutName } = ev.received().data;
    void _omitted;
    spec
      .given([])
      .when(cmd.receive({ procedureName: undefined, applicant: { name: 'Trần Thị B' } }))
      .then([{ type: 'DossierReceived', data: { ...withoutName, applicant: { name: 'Trần Thị B' } } }]);
  });

  it('freezes the rule set chosen at reception into the event', () => {
    spec
      .given([])
      .when(cmd.receive({ ruleSet: '2025' }))
      .then([{ type: 'DossierReceived', data: { ...ev.received().data, ruleSet: '2025' } }]);
  });

  it('freezes the QĐ 766 facts of the reception (digitised, fee due, paid online) into the event (issue #18)', () => {
    spec
      .given([])
      .when(cmd.receive({ digitised: true, feeDue: true, feePaidOnline: false }))
      .then([{ type: 'DossierReceived', data: { ...ev.received().data, digitised: true, feeDue: true, feePaidOnline: false } }]);
  });

  it('refuses a fee paid online when no fee is due (issue #18)', () => {
    spec
      .given([])
      .when(cmd.receive({ feePaidOnline: true }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('feePaidOnline'));
  });

  it('is refused with an unknown rule set', () => {
    spec
      .given([])
      .when(cmd.receive({ ruleSet: '2030' as never }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('ruleSet'));
  });

  it('records the look-up PIN the application drew, and keeps it on the state', () => {
    const state = spec
      .given([])
      .when(cmd.receive({ lookupPin: 'K7MX4Q' }))
      .then([ev.received({ lookupPin: 'K7MX4Q' })]);
    expect(state).toMatchObject({ lookupPin: 'K7MX4Q' });
  });

  it('an old reception without a PIN folds to a state without one', () => {
    const state = spec.given([]).when(cmd.receive()).then([ev.received()]);
    expect(state).not.toHaveProperty('lookupPin');
  });

  it.each(['', 'K7MX4', 'K7MX4QQ', 'k7mx4q', 'K7MX0Q', 'K7MXIQ', 'K7MX Q'])('refuses the look-up PIN %j (6 characters of the alphabet)', (pin) => {
    spec
      .given([])
      .when(cmd.receive({ lookupPin: pin }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('lookupPin'));
  });

  it('accepts a backdated reception (entered after the fact)', () => {
    spec.given([]).when(cmd.receive(), d('2025-03-03T02:00:00.000Z')).then([ev.received()]);
  });

  it('is refused when the dossier already exists', () => {
    spec
      .given([ev.received()])
      .when(cmd.receive())
      .thenThrows(DossierAlreadyExists, (e) => {
        expect(e.code).toBe('dossier-already-exists');
      });
  });

  it('is refused when it happens in the future', () => {
    spec
      .given([])
      .when(cmd.receive({ occurredAt: new Date(NOW.getTime() + 60_000), dueAt: new Date(NOW.getTime() + 86_400_000) }))
      .thenThrows(OccurredInFuture, (e) => expect(e.code).toBe('occurred-in-future'));
  });

  it('is refused when the due time is not after the reception', () => {
    spec
      .given([])
      .when(cmd.receive({ dueAt: d(RECEIVED_AT) }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('dueAt'));
  });

  it.each([
    ['code', { code: '  ' }],
    ['applicant.name', { applicant: { name: '' } }],
    ['applicant', { applicant: null }],
    ['channel', { channel: 'fax' }],
    ['onlineLevel', { onlineLevel: 'level-4' }],
    ['processingTime.amount', { processingTime: { amount: 0, unit: 'working_day' } }],
    ['processingTime.unit', { processingTime: { amount: 1, unit: 'week' } }],
    ['timeZone', { timeZone: 'Mars/Olympus_Mons' }],
    ['occurredAt', { occurredAt: new Date('not a date') }],
    ['dueAt', { dueAt: '2025-03-06T10:00:00Z' }],
    ['calendarVersion', { calendarVersion: '' }],
  ])('rejects an impossible %s', (field, patch) => {
    spec
      .given([])
      .when(corrupt(cmd.receive(), patch))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe(field));
  });
});

describe('ReceiveDossier under a campaign window (issue #15)', () => {
  it('freezes the campaign id and its shorter processing time on the event', () => {
    const processingTime = { amount: 1, unit: 'half_day' as const };
    const state = spec
      .given([])
      .when(cmd.receive({ campaignId: 'q12-2021-06', processingTime }))
      .then([{ type: 'DossierReceived', data: { ...ev.received().data, processingTime, campaignId: 'q12-2021-06' } }]);
    expect(state).toMatchObject({ campaignId: 'q12-2021-06', processingTime });
  });

  it('refuses an empty campaign id', () => {
    spec
      .given([])
      .when(cmd.receive({ campaignId: ' ' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('campaignId'));
  });
});
