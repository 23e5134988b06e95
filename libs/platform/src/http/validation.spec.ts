import { Type } from 'class-transformer';
import { getMetadataStorage, IsArray, IsIn, IsOptional, IsString, MinLength, MetadataStorage, validateSync, ValidateNested } from 'class-validator';
import { BadRequestProblem } from './problem';
import { createValidationPipe, findUnsafeText, flattenValidationErrors, memoizeValidationMetadata } from './validation';

class Applicant {
  @IsString()
  @MinLength(1)
  name!: string;

  @IsOptional()
  @IsString()
  phone?: string;
}

class Doc {
  @IsString()
  code!: string;
}

class ReceiveDto {
  @IsIn(['direct', 'online', 'postal'])
  channel!: string;

  @ValidateNested()
  @Type(() => Applicant)
  applicant!: Applicant;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Doc)
  documents?: Doc[];
}

async function failure(value: unknown): Promise<BadRequestProblem> {
  try {
    await createValidationPipe().transform(value, { type: 'body', metatype: ReceiveDto });
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestProblem);
    return err as BadRequestProblem;
  }
  throw new Error('validation passed');
}

describe('createValidationPipe', () => {
  it('transforms a valid body into the DTO', async () => {
    const dto = await createValidationPipe().transform({ channel: 'direct', applicant: { name: 'A' } }, { type: 'body', metatype: ReceiveDto });
    expect(dto).toBeInstanceOf(ReceiveDto);
    expect(dto.applicant).toBeInstanceOf(Applicant);
  });

  it('reports nested and array fields by dotted path, and unknown fields', async () => {
    const problem = await failure({ channel: 'fax', applicant: { name: 42, extra: 1 }, documents: [{ code: 'a' }, { code: 7 }], other: true });
    expect(problem.getStatus()).toBe(400);
    expect(problem.problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'channel', message: expect.stringMatching(/^channel must be one of/) },
        { field: 'applicant.name', message: 'applicant.name must be a string' },
        { field: 'applicant.extra', message: 'applicant.extra is not an accepted field' },
        { field: 'documents[1].code', message: 'documents[1].code must be a string' },
        { field: 'other', message: 'other is not an accepted field' },
      ]),
    );
    expect(problem.problem.detail).toMatch(/^Invalid request: .*applicant\.name must be a string/);
  });

  it('flattens errors without constraints or children to nothing', () => {
    expect(flattenValidationErrors([{ property: 'x', children: [] }])).toEqual([]);
  });

  it('refuses a NUL or a lone surrogate in any body, query or path string, naming the field (#12 item 4)', async () => {
    const cases: [unknown, string][] = [
      [{ channel: 'direct', applicant: { name: 'Nguyễn\u0000Văn' } }, 'applicant.name'],
      [{ channel: 'direct', applicant: { name: '\ud800x' } }, 'applicant.name'],
      [{ channel: 'direct', applicant: { name: 'A' }, documents: [{ code: 'a' }, { code: 'x\udc00' }] }, 'documents[1].code'],
      [{ channel: 'direct\u0000', applicant: { name: 'A' } }, 'channel'],
    ];
    for (const [body, field] of cases) {
      const problem = await failure(body);
      expect(problem.getStatus()).toBe(400);
      expect(problem.problem.errors).toEqual([{ field, message: expect.stringMatching(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')} is not valid text`)) }]);
    }
    await expect(createValidationPipe().transform('a\u0000b', { type: 'param', data: 'code', metatype: String })).rejects.toMatchObject({
      problem: { errors: [{ field: 'code' }] },
    });
    await expect(createValidationPipe().transform({ unitCode: '\u0000' }, { type: 'query' })).rejects.toBeInstanceOf(BadRequestProblem);
    // an NDJSON body (text) is checked line by line by its handler
    await expect(createValidationPipe().transform('{"a":"\u0000"}\n', { type: 'body' })).resolves.toBe('{"a":"\u0000"}\n');
    // pairs are characters like any other
    expect(findUnsafeText({ name: 'An 🇻🇳 𝒜', list: ['\ud83d\ude00'] })).toBeUndefined();
    expect(findUnsafeText({ ['k\u0000']: 1 })).toBe('k\u0000');
  });
});

describe('memoizeValidationMetadata', () => {
  class Base {
    @IsString()
    code!: string;

    @IsString({ groups: ['strict'] })
    note?: string;
  }
  class Child extends Base {
    @MinLength(3)
    override code = '';
  }

  it('answers every lookup as class-validator itself does, and the global storage is memoized', () => {
    const storage = getMetadataStorage();
    // the unmemoized lookup: the prototype's method, bypassing the memo installed on the instance
    const original = (target: new () => object, always: boolean, strict: boolean, groups?: string[]) =>
      MetadataStorage.prototype.getTargetValidationMetadatas.call(storage, target, undefined as unknown as string, always, strict, groups);
    expect(Object.prototype.hasOwnProperty.call(storage, 'getTargetValidationMetadatas')).toBe(true);
    for (const target of [Base, Child, ReceiveDto, Applicant])
      for (const [always, strict, groups] of [
        [false, false, undefined],
        [true, false, undefined],
        [false, true, []],
        [false, false, ['strict']],
      ] as const) {
        const memo = () => storage.getTargetValidationMetadatas(target, undefined as unknown as string, always, strict, groups ? [...groups] : undefined);
        expect(memo()).toEqual(original(target, always, strict, groups ? [...groups] : undefined));
        expect(memo()).toBe(memo()); // the second answer is the cached one
      }
  });

  it('keeps validating a parent and a subclass defined after the parent was validated', () => {
    const b = Object.assign(new Base(), { code: 'x', note: 'n' });
    expect(validateSync(b)).toEqual([]);
    class Later extends Base {
      @MinLength(5)
      override code = '';
    }
    const l = Object.assign(new Later(), { code: 'abc', note: 'n' });
    expect(validateSync(l).map((e) => Object.keys(e.constraints ?? {}))).toEqual([['minLength']]);
    // the parent's rules are unchanged by the subclass's
    expect(validateSync(b)).toEqual([]);
    expect(validateSync(Object.assign(new Child(), { code: 'ab', note: 'n' })).map((e) => e.property)).toEqual(['code']);
    expect(validateSync(Object.assign(new Base(), { code: 'ab', note: 1 }), { groups: ['strict'] }).map((e) => e.property)).toEqual(['note']);
  });

  it('is idempotent', () => {
    const storage = getMetadataStorage();
    const installed = storage.getTargetValidationMetadatas;
    memoizeValidationMetadata();
    expect(storage.getTargetValidationMetadatas).toBe(installed);
  });
});
