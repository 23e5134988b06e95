import { fmtDateTime, fmtNumber, fmtRate, fold, fromDisplay, localInputToIso, slug, toDisplay } from '../../apps/console/src/format';
import { presets } from '../../apps/console/src/periods';

/** The console's Vietnamese formats (issue #17): what a clerk reads and types. */
describe('console formats', () => {
  it('shows instants as dd/MM/yyyy HH:mm in the unit’s time zone', () => {
    expect(fmtDateTime('2026-12-02T10:05:00Z')).toBe('02/12/2026 17:05');
    expect(fmtDateTime('2026-12-31T17:30:00Z', 'Asia/Ho_Chi_Minh')).toBe('01/01/2027 00:30');
    expect(fmtDateTime('2026-07-01T10:05:00Z', 'Europe/Paris')).toBe('01/07/2026 12:05');
    expect(fmtDateTime(undefined)).toBe('');
  });

  it('shows numbers and the API’s rates the Vietnamese way', () => {
    expect(fmtNumber(3839)).toBe('3.839');
    expect(fmtNumber(0)).toBe('0');
    expect(fmtRate(90.57)).toBe('90,57%');
    expect(fmtRate(100)).toBe('100,00%');
    expect(fmtRate(null)).toBe('—');
  });

  it('reads dates typed as dd/MM/yyyy [HH:mm] and refuses impossible ones', () => {
    expect(fromDisplay('05/12/2026', false)).toBe('2026-12-05');
    expect(fromDisplay('5/1/2026 8:30', true)).toBe('2026-01-05T08:30');
    expect(fromDisplay('31/02/2026', false)).toBeUndefined();
    expect(fromDisplay('05/12/2026 24:00', true)).toBeUndefined();
    expect(toDisplay('2026-12-05T08:30')).toBe('05/12/2026 08:30');
    // typed in the unit's zone: 08:30 in Hà Nội is 01:30 UTC
    expect(localInputToIso('2026-12-05T08:30', 'Asia/Ho_Chi_Minh')).toBe('2026-12-05T01:30:00.000Z');
  });

  it('offers month, quarter and year presets ending today at the latest', () => {
    const p = Object.fromEntries(presets('2026-02-14').map((x) => [x.key, [x.from, x.to]]));
    expect(p['this-month']).toEqual(['2026-02-01', '2026-02-14']);
    expect(p['last-month']).toEqual(['2026-01-01', '2026-01-31']);
    expect(p['this-quarter']).toEqual(['2026-01-01', '2026-02-14']);
    expect(p['last-quarter']).toEqual(['2025-10-01', '2025-12-31']);
    expect(p['last-year']).toEqual(['2025-01-01', '2025-12-31']);
  });

  it('searches procedures without accents', () => {
    expect(fold('Đăng ký khai sinh')).toBe('dang ky khai sinh');
  });

  it('makes a campaign id from its name (accents and đ folded)', () => {
    expect(slug('Tuần lễ tiếp nhận và giải quyết hồ sơ ngay trong ngày — Đợt 2')).toBe('tuan-le-tiep-nhan-va-giai-quyet-ho-so-ngay-trong-ngay-dot-2');
  });
});
