import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, MinLength, ValidateNested } from 'class-validator';
import { BadRequestProblem } from './problem';
import { createValidationPipe, findUnsafeText, flattenValidationErrors } from './validation';

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
