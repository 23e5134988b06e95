import { registerDecorator, ValidationOptions } from 'class-validator';

/** ISO-8601 instant with a time zone (`Z` or `±HH:MM`); a local time without offset is ambiguous. */
export const ISO_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
export const LOCAL_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoInstant(value: unknown): value is string {
  return typeof value === 'string' && ISO_INSTANT_RE.test(value) && !Number.isNaN(Date.parse(value)) && validCalendarDate(value.slice(0, 10));
}

export function validCalendarDate(d: string): boolean {
  if (!LOCAL_DATE_RE.test(d)) return false;
  const [y, m, day] = d.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, day));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === day;
}

export function IsIsoInstant(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isIsoInstant',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an ISO-8601 time with a time zone, e.g. 2025-04-25T10:00:00+07:00`, ...options },
      validator: { validate: isIsoInstant },
    });
}

export function IsLocalDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isLocalDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a date YYYY-MM-DD`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && validCalendarDate(v) },
    });
}
