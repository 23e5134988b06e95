import { DOSSIER_STATUSES, isClockRunning } from '@motcua/domain';
import { OVERDUE_SQL, sqlStatusList } from './dossier-worklist';

describe('work list overdue filter', () => {
  it('names exactly the statuses in which the domain says the legal clock runs', () => {
    const listed = /status IN \(([^)]*)\)/
      .exec(OVERDUE_SQL)![1]
      .split(',')
      .map((s) => s.trim().replace(/^'|'$/g, ''));
    expect(listed.sort()).toEqual(DOSSIER_STATUSES.filter((s) => isClockRunning(s)).sort());
    expect(OVERDUE_SQL).toContain('effective_due_at < $2');
  });

  it('refuses anything but a status-like constant in the generated SQL', () => {
    expect(() => sqlStatusList(["received'); DROP TABLE x; --"])).toThrow(/not a dossier status/);
  });
});
