/**
 * Request validation (class-validator DTOs) with failures as a 400 problem listing each field
 * by its dotted path; a date outside the calendar's range (alone) is a 422.
 */
import { ArgumentMetadata, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { SUPPORTED_DATES } from '@motcua/domain';
import { BadRequestProblem, FieldError, ProblemException, problemType, UnprocessableProblem } from './problem';

/**
 * class-validator constraint name of "a well-formed date outside the dates the working calendar
 * supports": when these are the only failures, the answer is 422 (a rule), not 400 (malformed).
 */
export const DATE_RANGE_CONSTRAINT = 'dateInCalendarRange';

/** True when every failure (nested ones too) is a date outside the calendar's range. */
export function onlyDateRangeErrors(errors: readonly ValidationError[]): boolean {
  let seen = false;
  const stack = [...errors];
  while (stack.length) {
    const e = stack.pop() as ValidationError;
    for (const rule of Object.keys(e.constraints ?? {})) {
      if (rule !== DATE_RANGE_CONSTRAINT) return false;
      seen = true;
    }
    stack.push(...(e.children ?? []));
  }
  return seen;
}

/**
 * NUL (PostgreSQL stores it in neither text nor jsonb) or a UTF-16 surrogate without its pair (no
 * character at all; JSON.stringify writes it as an escape PostgreSQL refuses).
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point of this check
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isUnsafeText(s: string): boolean {
  return UNSAFE_TEXT.test(s);
}

/**
 * The path (`applicant.name`, `holidays[2]`) of the first string — value or key — holding a NUL or
 * a lone surrogate, or undefined. Iterative: a deeply nested body cannot overflow the stack here.
 */
export function findUnsafeText(value: unknown, root = ''): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      if (isUnsafeText(v)) return path || 'value';
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    for (const [k, child] of Object.entries(v)) {
      const p = Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      if (isUnsafeText(k)) return p;
      stack.push([child, p]);
    }
  }
  return undefined;
}

/** The message for a field holding such text. */
export function unsafeTextMessage(field: string): string {
  return `${field} is not valid text: it contains a NUL character (U+0000) or an unpaired UTF-16 surrogate, which cannot be stored`;
}

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

/** The 400 problem for a list of validation errors (422 when only dates out of the calendar's range). */
export function validationProblem(errors: readonly ValidationError[]): ProblemException {
  const fields = flattenValidationErrors(errors);
  if (onlyDateRangeErrors(errors)) {
    return new UnprocessableProblem(`${fields.map((f) => f.message).join('; ')}.`, {
      title: 'Date out of range',
      type: problemType('date-out-of-range'),
      errors: fields,
      extra: { code: 'date-out-of-range', supportedFrom: SUPPORTED_DATES.first, supportedTo: SUPPORTED_DATES.last },
    });
  }
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
    // One check for every string of the body, the query and the path: a NUL or a lone surrogate
    // is a 400 naming the field, never a 500 from the database. A body that is text (NDJSON
    // imports) is checked line by line by its handler, so that one bad line is reported alone.
    if (metadata.type === 'query' || metadata.type === 'param' || (metadata.type === 'body' && typeof value !== 'string')) {
      const field = findUnsafeText(value, metadata.data ?? '');
      if (field !== undefined) {
        const message = unsafeTextMessage(field);
        throw new BadRequestProblem(`Invalid request: ${message}.`, {
          title: 'Invalid request',
          type: problemType('validation'),
          errors: [{ field, message }],
        });
      }
    }
    return super.transform(value, metadata);
  }
}

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
const MEMOIZED = Symbol('motcua.memoizedValidationMetadata');

/**
 * class-validator (0.15) finds a class's rules on every validation by testing every registered
 * class for being an ancestor of it and filtering their rules (typestack/class-validator#2686):
 * the same work and garbage for every request body and every imported line. The answer is
 * memoized per class and options. It cannot change: a class's own rules and its ancestors' are all
 * registered by their decorators when the classes are defined, before any instance exists to be
 * validated; a class defined later adds rules for itself only. Schema validation (rules registered
 * at run time under a name) is not memoized. Idempotent; applied to the global storage on load.
 */
export function memoizeValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  const patched = storage as MetadataStorage & { [MEMOIZED]?: true };
  if (patched[MEMOIZED]) return;
  patched[MEMOIZED] = true;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const byClass = new WeakMap<object, Map<string, ReturnType<MetadataStorage['getTargetValidationMetadatas']>>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (schema) return lookup(target, schema, always, strictGroups, groups);
    let cached = byClass.get(target);
    if (!cached) byClass.set(target, (cached = new Map()));
    const key = `${always}\u0000${strictGroups}\u0000${(groups ?? []).join('\u0000')}`;
    let rules = cached.get(key);
    if (!rules) cached.set(key, (rules = lookup(target, schema, always, strictGroups, groups)));
    return rules;
  };
}
memoizeValidationMetadata();

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
