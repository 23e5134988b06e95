/** Who is acting, and the ids that tie a request's events together. Framework-free. */
export type Role = 'clerk' | 'officer' | 'supervisor' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['clerk', 'officer', 'supervisor', 'auditor', 'admin'];

export interface Actor {
  /** JWT `sub`, or `system:<component>` for timers and imports. */
  id: string;
  name?: string;
  roles: readonly Role[];
  /** Unit codes granted (each grants its descendants). */
  units: readonly string[];
}

export interface CommandContext {
  actor: Actor;
  correlationId: string;
  /** Id of the request/command/job that causes the events. */
  causationId: string;
  /** Server time of the request (injected for tests). */
  now: Date;
  /** Business time of the command; default `now`. */
  occurredAt?: Date;
  /** The client's expected dossier version (body `expectedVersion` or `If-Match`). */
  expectedVersion?: number;
  idempotencyKey?: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system:motcua', name: 'motcua', roles: ['admin'], units: [] };
