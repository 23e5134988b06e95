import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isSupportedInstant, isSupportedLocalDate, SUPPORTED_RANGE_TEXT } from '@motcua/domain';
import { DATE_RANGE_CONSTRAINT } from '@motcua/platform';

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

/** A well-formed date inside the calendar's range (libs/domain `calendar/range`), for the checks outside DTOs. */
export function isDateInRange(d: string): boolean {
  return validCalendarDate(d) && isSupportedLocalDate(d);
}

export interface DateFieldOptions extends ValidationOptions {
  /**
   * Check the calendar's supported range here (422 when it is the only failure). Default true;
   * false for business times (`occurredAt`), which the application checks after "not in the
   * future" so that a time in 2999 is reported as in the future.
   */
  range?: boolean;
}

function rangeMessage(kind: 'time' | 'date') {
  return (args: ValidationArguments) => `${args.property} must be a ${kind} ${SUPPORTED_RANGE_TEXT} (the dates the working calendar supports)`;
}

export function IsIsoInstant(options: DateFieldOptions = {}) {
  const { range = true, ...validation } = options;
  return (object: object, propertyName: string) => {
    registerDecorator({
      name: 'isIsoInstant',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an ISO-8601 time with a time zone, e.g. 2025-04-25T10:00:00+07:00`, ...validation },
      validator: { validate: isIsoInstant },
    });
    if (range) {
      registerDecorator({
        name: DATE_RANGE_CONSTRAINT,
        target: object.constructor,
        propertyName,
        options: { message: rangeMessage('time'), ...validation },
        // a malformed value is the format rule's failure, not this one's
        validator: { validate: (v: unknown) => !isIsoInstant(v) || isSupportedInstant(new Date(v)) },
      });
    }
  };
}

export function IsLocalDate(options: DateFieldOptions = {}) {
  const { range = true, ...validation } = options;
  return (object: object, propertyName: string) => {
    registerDecorator({
      name: 'isLocalDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a date YYYY-MM-DD`, ...validation },
      validator: { validate: (v: unknown) => typeof v === 'string' && validCalendarDate(v) },
    });
    if (range) {
      registerDecorator({
        name: DATE_RANGE_CONSTRAINT,
        target: object.constructor,
        propertyName,
        options: { message: rangeMessage('date'), ...validation },
        validator: { validate: (v: unknown) => typeof v !== 'string' || !validCalendarDate(v) || isSupportedLocalDate(v) },
      });
    }
  };
}
