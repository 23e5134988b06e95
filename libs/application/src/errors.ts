/**
 * Errors of the application layer, each with the HTTP status the API gives it. The HTTP layer maps
 * them to problem+json; the import maps them to line errors.
 */
export abstract class ApplicationError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends ApplicationError {
  readonly status = 404;
  readonly code = 'not-found';
}

export class AccessDeniedError extends ApplicationError {
  readonly status = 403;
  readonly code = 'forbidden';
}

/** The dossier is not at the version the client expected (or a retry budget ran out). */
export class VersionConflictError extends ApplicationError {
  readonly status = 409;
  readonly code = 'version-conflict';
  constructor(
    message: string,
    readonly currentVersion: number,
  ) {
    super(message, { currentVersion });
  }
}

/** The id is taken by a different dossier / request. */
export class DuplicateError extends ApplicationError {
  readonly status = 409;
  readonly code = 'duplicate';
}

/** Valid input that breaks a rule the application checks (unknown procedure, inactive unit...). */
export class RuleViolationError extends ApplicationError {
  readonly status = 422;
  constructor(
    readonly code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message, extra);
  }
}
