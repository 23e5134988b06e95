import {
  DEFAULT_TEMPLATES,
  formatLocalDateTime,
  isNoticeAddress,
  maskAddress,
  NOTICE_KINDS,
  NOTICE_OF_EVENT,
  noticeValues,
  renderNotice,
  templateOverridesProblems,
  templateProblem,
} from './notices';

const DOSSIER = {
  code: '000.27.01.H29-250301-0001',
  unitCode: '000.27.01.H29',
  procedureCode: '1.001612',
  procedureName: 'Đăng ký khai sinh',
  applicantName: 'Nguyễn Thị Hoa',
  timeZone: 'Asia/Ho_Chi_Minh',
  dueAt: '2025-03-05T10:00:00.000Z',
};

describe('telling the citizen', () => {
  it('maps every notice kind from exactly one event type, and only the events of Art. 19.9/20', () => {
    const kinds = Object.values(NOTICE_OF_EVENT).filter((k) => k !== null);
    expect([...kinds].sort()).toEqual([...NOTICE_KINDS].sort());
    expect(NOTICE_OF_EVENT.DossierAssigned).toBeNull();
  });

  it('given an apology, when rendered, then the e-mail names the code, the procedure and the new date in the unit zone', () => {
    const values = noticeValues(
      DOSSIER,
      {
        type: 'ApologyIssued',
        data: { reason: 'Chờ xác minh', newDueAt: '2025-03-12T10:00:00.000Z', issuedAt: '2025-03-04T03:00:00.000Z', previousDueAt: DOSSIER.dueAt },
      },
      'https://x.vn/api/v1/public/dossiers/C',
    );
    const m = renderNotice('apology', 'email', values);
    expect(m.subject).toContain(DOSSIER.code);
    expect(m.text).toContain('Đăng ký khai sinh');
    expect(m.text).toContain('12/03/2025 17:00');
    expect(m.text).toContain('https://x.vn/api/v1/public/dossiers/C');
  });

  it('formats local dates as dd/MM/yyyy HH:mm', () => {
    expect(formatLocalDateTime('2025-12-31T17:30:00.000Z', 'Asia/Ho_Chi_Minh')).toBe('01/01/2026 00:30');
  });

  it('refuses malformed templates: unknown variable, unbalanced braces, empty, too long, unknown kind or part', () => {
    expect(templateProblem('Hồ sơ {{code}}', 100)).toBeUndefined();
    expect(templateProblem('Hồ sơ {{nope}}', 100)).toContain('{{nope}}');
    expect(templateProblem('Hồ sơ {{code', 100)).toContain('unbalanced');
    expect(templateProblem(' ', 100)).toContain('empty');
    expect(templateProblem('x'.repeat(101), 100)).toContain('at most');
    expect(templateOverridesProblems({ paid: { sms: 'x' } })[0]).toContain('unknown notice kind');
    expect(templateOverridesProblems({ received: { fax: 'x' } })[0]).toContain('unknown part');
    expect(templateOverridesProblems({ received: { sms: 'Ho so {{code}}' } })).toEqual([]);
    expect(templateOverridesProblems([])).toHaveLength(1);
  });

  it('every default template is valid', () => {
    for (const kind of NOTICE_KINDS) expect(templateOverridesProblems({ [kind]: DEFAULT_TEMPLATES[kind] })).toEqual([]);
  });

  it('masks addresses and accepts only plausible ones', () => {
    expect(maskAddress('email', 'hoa.nguyen@example.vn')).toBe('h***@e***.vn');
    expect(maskAddress('sms', '0912345678')).toBe('091****678');
    expect(isNoticeAddress('email', 'not an address')).toBe(false);
    expect(isNoticeAddress('sms', '12')).toBe(false);
    expect(isNoticeAddress('sms', '+84 912 345 678')).toBe(true);
  });
});
