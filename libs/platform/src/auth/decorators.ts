/** Route metadata for the AuthGuard, and the `@CurrentUser()` parameter. */
import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Principal, Role } from './principal';

export const IS_PUBLIC_KEY = 'motcua:auth:public';
export const ROLES_KEY = 'motcua:auth:roles';

/** A request after the AuthGuard: `user` is the verified caller (absent on public routes). */
export type AuthenticatedRequest = FastifyRequest & { user?: Principal };

/** No token needed (health, docs). On a class, applies to all its handlers. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** The caller needs at least one of these roles (else 403). A handler's list overrides its class's. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The verified Principal of the request (undefined on a `@Public()` route). */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined => ctx.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
