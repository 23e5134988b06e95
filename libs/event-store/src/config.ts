import * as path from 'node:path';
import { EventStoreConfigError } from './port/errors';

/** What EVENT_STORE_URL selects. Pure parsing: no driver is loaded here. */
export type EventStoreTarget =
  | { kind: 'memory' }
  | { kind: 'pglite'; dataDir: string | undefined }
  | { kind: 'postgres'; connectionString: string }
  | { kind: 'esdb'; connectionString: string };

export const DEFAULT_EVENT_STORE_URL = 'pglite://./data';

/**
 * Parses EVENT_STORE_URL:
 * - `pglite://<dir>` (default `pglite://./data`, relative to the working directory),
 *   `pglite://memory` for a throw-away in-memory database;
 * - `postgres://…` / `postgresql://…`;
 * - `esdb://…` / `kurrentdb://…` / `kurrent://…`;
 * - `memory://` (unit tests only).
 */
export function parseEventStoreUrl(raw: string | undefined, cwd = process.cwd()): EventStoreTarget {
  const url = (raw ?? '').trim() || DEFAULT_EVENT_STORE_URL;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'memory':
      return { kind: 'memory' };
    case 'pglite': {
      const rest = url.slice('pglite://'.length);
      if (rest === 'memory') return { kind: 'pglite', dataDir: undefined };
      if (!rest) throw new EventStoreConfigError('EVENT_STORE_URL "pglite://" needs a directory, e.g. pglite://./data');
      return { kind: 'pglite', dataDir: path.resolve(cwd, rest) };
    }
    case 'postgres':
    case 'postgresql':
      try {
        new URL(url);
      } catch {
        throw new EventStoreConfigError(`EVENT_STORE_URL is not a valid PostgreSQL URL: ${redact(url)}`);
      }
      return { kind: 'postgres', connectionString: url };
    case 'esdb':
    case 'esdb+discover':
    case 'kurrentdb':
    case 'kurrentdb+discover':
    case 'kurrent':
    case 'kurrent+discover':
      return { kind: 'esdb', connectionString: url };
    default:
      throw new EventStoreConfigError(
        `EVENT_STORE_URL "${redact(url)}" is not supported: use pglite://<dir> (embedded, default ${DEFAULT_EVENT_STORE_URL}), ` +
          'postgres://user:pass@host:5432/db, esdb://host:2113?tls=false or kurrentdb://host:2113?tls=false',
      );
  }
}

/** Hides the password of a URL for error messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
