import { EventStoreConfigError } from '../../port/errors';

/** Schemes this adapter accepts, and the scheme `@eventstore/db-client` v6 understands for each. */
const SCHEMES: Record<string, string> = {
  esdb: 'esdb',
  'esdb+discover': 'esdb+discover',
  kurrentdb: 'esdb',
  'kurrentdb+discover': 'esdb+discover',
  kurrent: 'esdb',
  'kurrent+discover': 'esdb+discover',
};

/** Hides the password of a connection string for error messages and logs. */
export function redactEsdbUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/**
 * Turns an `esdb://`, `kurrentdb://` or `kurrent://` URL (optionally `+discover`) into the
 * `esdb://` connection string the v6 client parses. Throws `EventStoreConfigError` for anything
 * else. Only the scheme is checked here: the client's own parser validates the rest (see
 * `createEsdbClient`).
 */
export function toEsdbConnectionString(url: string): string {
  const trimmed = (url ?? '').trim();
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(trimmed);
  const target = match ? SCHEMES[match[1].toLowerCase()] : undefined;
  if (!match || !target) {
    throw new EventStoreConfigError(
      `EventStoreDB URL "${redactEsdbUrl(trimmed)}" is not supported: expected esdb://host:2113?tls=false, ` +
        'kurrentdb://host:2113?tls=false (or esdb+discover:// / kurrentdb+discover:// for a cluster)',
    );
  }
  if (!match[2]) {
    throw new EventStoreConfigError(`EventStoreDB URL "${redactEsdbUrl(trimmed)}" has no host, e.g. esdb://localhost:2113?tls=false`);
  }
  return `${target}://${match[2]}`;
}
