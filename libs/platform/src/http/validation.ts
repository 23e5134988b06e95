/**
 * Request validation (class-validator DTOs) with failures as a 400 problem listing each field
 * by its dotted path.
 */
import { ArgumentMetadata, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { BadRequestProblem, FieldError, problemType } from './problem';

function join(prefix: string, property: string): string {
  if (/^\d+$/.test(property)) return `${prefix}[${property}]`;
  return prefix ? `${prefix}.${property}` : property;
}

/** Flattens nested validation errors into `{field: 'applicant.name', message}` (arrays as `items[0].x`). */
export function flattenValidationErrors(errors: readonly ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = join(prefix, error.property);
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      if (rule === 'whitelistValidation') out.push({ field, message: `${field} is not an accepted field` });
      // class-validator starts messages with the bare property name: give the full path instead.
      else out.push({ field, message: message.startsWith(`${error.property} `) ? field + message.slice(error.property.length) : message });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** The 400 problem for a list of validation errors. */
export function validationProblem(errors: readonly ValidationError[]): BadRequestProblem {
  const fields = flattenValidationErrors(errors);
  const detail = fields.length ? `Invalid request: ${fields.map((f) => f.message).join('; ')}.` : 'Invalid request.';
  return new BadRequestProblem(detail, { title: 'Invalid request', type: problemType('validation'), errors: fields });
}

/** Deepest nesting of arrays/objects a request body or query may have (the DTOs need 3). */
export const MAX_INPUT_DEPTH = 32;

/** True when `value` nests deeper than `limit` (iterative: a hostile body cannot overflow the stack here). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * class-transformer and class-validator recurse into every nested object: a body nested some
 * thousands of levels deep overflowed the stack (a 500). Such input is refused first, as a 400.
 */
class DepthCheckedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (nestedDeeperThan(value, MAX_INPUT_DEPTH)) {
      throw new BadRequestProblem(`The request ${metadata.type === 'body' ? 'body' : metadata.type} is nested more than ${MAX_INPUT_DEPTH} levels deep.`);
    }
    return super.transform(value, metadata);
  }
}

/** Global pipe: strips nothing silently (unknown fields are a 400), transforms to DTO instances. */
export function createValidationPipe(options: ValidationPipeOptions = {}): ValidationPipe {
  return new DepthCheckedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationProblem(errors),
    ...options,
  });
}
