import { DossierClosed, DossierNotFound, InvalidCommand } from '../errors';
import { cmd, ev, ID, spec } from './fixtures';

const T1 = '2025-03-03T04:00:00.000Z';
const T2 = '2025-03-04T01:00:00.000Z';

describe('AssignDossier', () => {
  it('assigns a received dossier', () => {
    const state = spec
      .given([ev.received()])
      .when(cmd.assign('officer-1', T1, { assigneeName: 'Lê Văn C', department: 'Phòng Tư pháp' }))
      .then([ev.assigned('officer-1', T1, { assigneeName: 'Lê Văn C', department: 'Phòng Tư pháp' })]);
    expect(state).toMatchObject({ status: 'assigned', assignee: 'officer-1', department: 'Phòng Tư pháp', version: 2 });
  });

  it('reassigns to someone else, naming the previous assignee', () => {
    const state = spec
      .given([ev.received(), ev.assigned('officer-1', T1, { department: 'Phòng Tư pháp' })])
      .when(cmd.assign('officer-2', T2, { assigneeName: 'Phạm Thị D' }))
      .then([ev.assigned('officer-2', T2, { assigneeName: 'Phạm Thị D', previousAssignee: 'officer-1' })]);
    expect(state).toMatchObject({ status: 'assigned', assignee: 'officer-2', assigneeName: 'Phạm Thị D', department: 'Phòng Tư pháp' });
  });

  it('is a no-op when reassigning to the same person', () => {
    spec
      .given([ev.received(), ev.assigned('officer-1', T1)])
      .when(cmd.assign('officer-1', T2))
      .thenNothing();
  });

  it('records a department change for the same person', () => {
    spec
      .given([ev.received(), ev.assigned('officer-1', T1, { department: 'A' })])
      .when(cmd.assign('officer-1', T2, { department: 'B' }))
      .then([ev.assigned('officer-1', T2, { department: 'B', previousAssignee: 'officer-1' })]);
  });

  it('records the assignee while awaiting a supplement, keeping that status', () => {
    const state = spec
      .given([ev.received(), ev.supplementRequested(T1)])
      .when(cmd.assign('officer-1', T2))
      .then([ev.assigned('officer-1', T2)]);
    expect(state).toMatchObject({ status: 'awaiting-supplement', assignee: 'officer-1' });
  });

  it('is refused on an unknown dossier', () => {
    spec
      .given([])
      .when(cmd.assign('officer-1', T1))
      .thenThrows(DossierNotFound, (e) => {
        expect(e.code).toBe('dossier-not-found');
        expect(e.message).toContain(ID);
      });
  });

  it('is refused on a resolved dossier', () => {
    spec
      .given([ev.received(), ev.resolved(T1)])
      .when(cmd.assign('officer-1', T2))
      .thenThrows(DossierClosed, (e) => {
        expect(e.status).toBe('resolved');
        expect(e.message).toContain('resolved');
      });
  });

  it('is refused on a withdrawn dossier', () => {
    spec
      .given([ev.received(), ev.withdrawn(T1)])
      .when(cmd.assign('officer-1', T2))
      .thenThrows(DossierClosed, (e) => expect(e.status).toBe('withdrawn'));
  });

  it('rejects an empty assignee', () => {
    spec
      .given([ev.received()])
      .when(cmd.assign(' ', T1))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('assignee'));
  });

  it('rejects a command addressed to another dossier', () => {
    const other = cmd.assign('officer-1', T1);
    spec
      .given([ev.received()])
      .when({ ...other, data: { ...other.data, dossierId: 'another-id' } })
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('dossierId'));
  });
});
