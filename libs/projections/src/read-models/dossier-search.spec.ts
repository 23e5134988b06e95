import { codeKey, foldText, numberKey, searchCondition, searchRow, searchWords } from './dossier-search';

describe('dossier search keys', () => {
  it('folds Vietnamese names: accents and case ignored, đ is d', () => {
    expect(foldText('Đặng Thị Ngọc Đào')).toBe('dang thi ngoc dao');
    expect(searchWords('  NGUYỄN   Văn-Ân ')).toEqual(['nguyen', 'van', 'an']);
    expect(searchWords('Nguyễn')).toEqual(searchWords('Nguyê\u0303n')); // composed or decomposed input
    expect(searchWords('%_*')).toEqual([]);
  });

  it('reads identity and phone numbers as digits, +84 and 0084 as 0', () => {
    expect(numberKey('+84 912 345 678')).toBe('0912345678');
    expect(numberKey('0084-912.345.678')).toBe('0912345678');
    expect(numberKey('(028) 3822 1234')).toBe('02838221234');
    expect(numberKey('079203001234')).toBe('079203001234');
    expect(numberKey('nguyen')).toBeUndefined();
    expect(numberKey('12a')).toBeUndefined();
  });

  it('builds the look-up row of a reception', () => {
    const row = searchRow('d-1', {
      code: '000.27.01.H29-250304-0001',
      unitCode: '000.27.01.H29',
      applicant: { name: 'Đặng Thị Đào', idNumber: ' 001190000123 ', phone: '+84 912 345 678' },
      lookupPin: 'K7MX4Q',
    } as never);
    expect(row).toEqual({
      dossier_id: 'd-1',
      code_key: '000.27.01.h29-250304-0001',
      unit_code: '000.27.01.H29',
      name_words: ['dang', 'thi', 'dao'],
      id_number: '001190000123',
      phone: '0912345678',
      lookup_pin: 'K7MX4Q',
    });
    expect(codeKey(' ABC ')).toBe('abc');
  });

  it('matches names by words, numbers and codes by prefix, with LIKE characters taken literally', () => {
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    expect(searchCondition({ q: 'Nguyễn Văn' }, p)).toBe(
      `id IN (SELECT dossier_id FROM dossier_search WHERE (code_key LIKE $1 ESCAPE '\\' OR name_words @> $2::text[]))`,
    );
    expect(params).toEqual(['nguyễn văn%', ['nguyen', 'van']]);
    params.length = 0;
    searchCondition({ q: '+84 912' }, p);
    expect(params).toEqual(['+84 912%', '0912%']);
    params.length = 0;
    searchCondition({ q: '50%_x' }, p);
    expect(params[0]).toBe('50\\%\\_x%');
    expect(searchCondition({ q: '--' }, () => '$1')).toBeUndefined(); // nothing to look for
    expect(searchCondition({ code: 'ABC-1' }, () => '$9')).toBe('id IN (SELECT dossier_id FROM dossier_search WHERE code_key = $9)');
  });
});
