import * as fs from 'node:fs';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_PATH = '/console/';

/** Hashed bundle files (Vite names them `<name>-<hash>.<ext>` under assets/): cached for a year, never revalidated. */
export const ASSET_CACHE = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files: always revalidated, so a new build is picked up at once. */
export const INDEX_CACHE = 'no-cache';

/**
 * Where `npm run build` put the console (Vite, `apps/console`): `dist/console`, found from the
 * compiled file (dist/apps/api/src/console) or from the sources (tests running through ts-jest).
 */
export function consoleDir(): string | undefined {
  const candidates = [path.resolve(__dirname, '../../../../console'), path.resolve(__dirname, '../../../../dist/console')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

/** A file under `<root>/assets/` (the path @fastify/static gives may be absolute or relative to the root). */
function isAsset(root: string, file: string): boolean {
  const norm = file.split(path.sep).join('/');
  const base = root.split(path.sep).join('/');
  const rel = norm.startsWith(base + '/') ? norm.slice(base.length + 1) : norm.replace(/^\//, '');
  return rel.startsWith('assets/');
}

/**
 * The web console at /console/ (same origin as the API, so no CORS and the API's own auth): static
 * files with cache headers. Raw fastify routes outside /api/v1: the console needs no token to load,
 * every API call it makes carries one. Not built: /console/ says how to build it (404 problem+json).
 */
export async function mountConsole(app: NestFastifyApplication): Promise<void> {
  const root = consoleDir();
  await app.register(async (scope: FastifyInstance) => {
    scope.get('/console', (_req, reply) => reply.redirect(CONSOLE_PATH, 301));
    if (!root) {
      scope.get('/console/*', (_req, reply) =>
        reply
          .code(404)
          .type('application/problem+json; charset=utf-8')
          .send({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'the web console is not built: run `npm run build`' }),
      );
      return;
    }
    await scope.register(fastifyStatic, {
      root,
      prefix: CONSOLE_PATH,
      decorateReply: false,
      cacheControl: false, // our own Cache-Control below
      etag: true,
      lastModified: true,
      setHeaders: (reply, file) => {
        reply.header('cache-control', isAsset(root, file) ? ASSET_CACHE : INDEX_CACHE);
        reply.header('x-content-type-options', 'nosniff');
      },
    });
  });
}
