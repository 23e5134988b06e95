import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, MinLength, ValidateNested } from 'class-validator';
import { BadRequestProblem } from './problem';
import { createValidationPipe, flattenValidationErrors } from './validation';

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
});
