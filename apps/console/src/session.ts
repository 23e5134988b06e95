/** The signed-in user: the token (kept for this browser tab) and its claims. */
export type Role = 'clerk' | 'officer' | 'supervisor' | 'auditor' | 'admin';

export interface User {
  sub: string;
  name: string;
  roles: Role[];
  units: string[];
  /** Expiry, ms since the epoch (undefined: none stated). */
  exp?: number;
}

const TOKEN_KEY = 'motcua.token';

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims of a JWT (not verified here: the API verifies every call). */
export function decodeToken(token: string): User {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error('Mã đăng nhập không đúng dạng JWT (ba phần cách nhau bởi dấu chấm).');
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
  } catch {
    throw new Error('Không đọc được nội dung mã đăng nhập.');
  }
  const roles = Array.isArray(claims.roles) ? (claims.roles as Role[]) : [];
  const units = Array.isArray(claims.units) ? (claims.units as string[]) : [];
  return {
    sub: String(claims.sub ?? ''),
    name: typeof claims.name === 'string' ? claims.name : String(claims.sub ?? ''),
    roles,
    units,
    exp: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
  };
}

export function currentToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function currentUser(): User | null {
  const t = currentToken();
  if (!t) return null;
  try {
    const u = decodeToken(t);
    if (u.exp !== undefined && u.exp <= Date.now()) return null;
    return u;
  } catch {
    return null;
  }
}

export function saveToken(token: string): User {
  const user = decodeToken(token);
  if (user.exp !== undefined && user.exp <= Date.now()) throw new Error('Mã đăng nhập đã hết hạn.');
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  return user;
}

export function clearSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export function hasRole(user: User | null, ...roles: Role[]): boolean {
  return !!user && roles.some((r) => user.roles.includes(r));
}
