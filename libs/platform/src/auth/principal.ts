/** Who is calling: taken from a verified token's claims. */

export const ROLES = ['clerk', 'officer', 'supervisor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** Subject (user id). */
  sub: string;
  name?: string;
  roles: Role[];
  /** Unit codes granted (each grants its descendants too). */
  units: string[];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Thrown when a token is refused; `reason` is short and human ("token expired"). */
export class AuthenticationError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'AuthenticationError';
  }
}

/** Validates the claims we rely on; throws AuthenticationError naming the first bad one. */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const { sub, name, roles, units } = claims;
  if (sub === undefined) throw new AuthenticationError('missing claim sub');
  if (typeof sub !== 'string' || !sub.trim()) throw new AuthenticationError('claim sub must be a non-empty string');
  if (name !== undefined && typeof name !== 'string') throw new AuthenticationError('claim name must be a string');
  if (roles === undefined) throw new AuthenticationError('missing claim roles');
  if (!Array.isArray(roles)) throw new AuthenticationError('claim roles must be an array');
  const unknown = roles.find((r) => !isRole(r));
  if (unknown !== undefined) {
    throw new AuthenticationError(`unknown role ${JSON.stringify(unknown)} in claim roles (known: ${ROLES.join(', ')})`);
  }
  if (units === undefined) throw new AuthenticationError('missing claim units');
  if (!Array.isArray(units) || units.some((u) => typeof u !== 'string' || !u)) {
    throw new AuthenticationError('claim units must be an array of unit codes (non-empty strings)');
  }
  return { sub, ...(name !== undefined ? { name } : {}), roles: [...new Set(roles as Role[])], units: [...new Set(units as string[])] };
}
