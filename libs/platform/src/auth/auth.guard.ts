/**
 * Global guard: every route needs a valid bearer token unless marked `@Public()`; `@Roles(...)`
 * narrows it to callers holding one of the roles. Failures are problem+json 401/403.
 */
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenProblem, UnauthorizedProblem } from '../http/problem';
import { AuthenticatedRequest, IS_PUBLIC_KEY, ROLES_KEY } from './decorators';
import { extractBearerToken, JwtVerifier, NOT_CONFIGURED_REASON } from './jwt-verifier';
import { AuthenticationError, Principal, Role } from './principal';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(JwtVerifier) private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request.headers.authorization);
    request.user = principal;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (required?.length && !required.some((role) => principal.roles.includes(role))) {
      const yours = principal.roles.length ? principal.roles.join(', ') : 'none';
      throw new ForbiddenProblem(`This action needs one of the roles ${required.join(', ')}; your roles: ${yours}.`, {
        extra: { requiredRoles: required },
      });
    }
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Principal> {
    if (!this.verifier.configured) throw new UnauthorizedProblem(NOT_CONFIGURED_REASON);
    try {
      const token = extractBearerToken(header);
      if (token === undefined) throw new UnauthorizedProblem('missing bearer token: send Authorization: Bearer <JWT>');
      return await this.verifier.verify(token);
    } catch (err) {
      if (err instanceof AuthenticationError) throw new UnauthorizedProblem(`invalid token: ${err.reason}`, { invalidToken: true });
      throw err;
    }
  }
}
