import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { extractBearerToken, JwtVerifier } from '../auth/jwt-verifier';
import { TooManyRequestsProblem } from '../http/problem';

export interface RateLimitSettings {
  /** Requests per minute per key; 0 turns limiting off. */
  perMinute: number;
  /** Paths (after the host) never limited: health and metrics. */
  exempt?: (path: string) => boolean;
  /** Window length, default one minute (tests). */
  windowMs?: number;
  /**
   * Paths of the public routes (no token: the citizen's status look-up): limited per client address
   * alone, whatever token a request carries, at `publicPerMinute` (0: not limited), in buckets of
   * their own.
   */
  isPublic?: (path: string) => boolean;
  publicPerMinute?: number;
}

const PUBLIC_KEY = 'public-ip:';

const CACHE_MAX = 10_000;
const CACHE_MS = 60_000;

/**
 * The rate-limit key of a request: `sub:<JWT subject>` when its bearer token verifies (a forged or
 * expired token cannot buy a fresh bucket), else `ip:<client address>`. Verified subjects are
 * cached for a minute by token, so the extra verification costs one map lookup.
 */
export function rateLimitKeyer(verifier: JwtVerifier | undefined): (req: FastifyRequest) => Promise<string> {
  const cache = new Map<string, { sub: string; until: number }>();
  return async (req) => {
    const ipKey = `ip:${req.ip}`;
    if (!verifier?.configured) return ipKey;
    let token: string | undefined;
    try {
      token = extractBearerToken(req.headers.authorization);
    } catch {
      return ipKey;
    }
    if (!token) return ipKey;
    const now = Date.now();
    const hit = cache.get(token);
    if (hit && hit.until > now) return `sub:${hit.sub}`;
    try {
      const principal = await verifier.verify(token);
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(token, { sub: principal.sub, until: now + CACHE_MS });
      return `sub:${principal.sub}`;
    } catch {
      return ipKey;
    }
  };
}

/** `@fastify/rate-limit` on every route but the exempt ones; 429 is problem+json with `Retry-After`. Register before the routes. */
export async function installRateLimit(fastify: FastifyInstance, verifier: JwtVerifier | undefined, settings: RateLimitSettings): Promise<void> {
  const publicPerMinute = settings.isPublic ? (settings.publicPerMinute ?? 0) : 0;
  if (settings.perMinute <= 0 && publicPerMinute <= 0) return;
  const exempt = settings.exempt ?? (() => false);
  const isPublic = settings.isPublic ?? (() => false);
  const keyer = rateLimitKeyer(verifier);
  const pathOf = (req: FastifyRequest) => req.url.split('?')[0];
  const seconds = Math.round((settings.windowMs ?? 60_000) / 1000);
  await fastify.register(rateLimit, {
    global: true,
    max: (_req, key) => (key.startsWith(PUBLIC_KEY) ? publicPerMinute : settings.perMinute),
    timeWindow: settings.windowMs ?? 60_000,
    hook: 'onRequest',
    keyGenerator: (req) => {
      const path = pathOf(req);
      if (exempt(path)) return 'exempt';
      if (isPublic(path)) return `${PUBLIC_KEY}${req.ip}`;
      // no per-token limit (only the public one is on): allowList lets it through, no key needed
      return settings.perMinute <= 0 ? 'unlimited' : keyer(req);
    },
    allowList: (req) => {
      const path = pathOf(req);
      if (exempt(path)) return true;
      return isPublic(path) ? publicPerMinute <= 0 : settings.perMinute <= 0;
    },
    addHeaders: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true, 'retry-after': false },
    errorResponseBuilder: (req, ctx) =>
      new TooManyRequestsProblem(
        isPublic(pathOf(req))
          ? `Too many look-ups from your address: at most ${ctx.max} per ${seconds} s. Retry in ${ctx.after}.`
          : `Too many requests: at most ${ctx.max} per ${seconds} s for your token (or your address without one). Retry in ${ctx.after}.`,
        {
          retryAfterSeconds: Math.max(1, Math.ceil(ctx.ttl / 1000)),
        },
      ),
  });
}
