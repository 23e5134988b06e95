/**
 * Request validation (class-validator DTOs) with failures as a 400 problem listing each field
 * by its dotted path.
 */
import { ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
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

/** Global pipe: strips nothing silently (unknown fields are a 400), transforms to DTO instances. */
export function createValidationPipe(options: ValidationPipeOptions = {}): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationProblem(errors),
    ...options,
  });
}
