import { EventStoreUnavailableError } from '@motcua/event-store';
import { classifyUnavailable, DependencyUnavailableError } from './unavailable';
import { toProblem } from './to-problem';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('classifyUnavailable / toProblem: a dependency down is 503 with Retry-After, not 500', () => {
  it('recognises PostgreSQL and PGlite SQLSTATEs of a server that is down, starting, shutting down or full', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '08P01', '53300', '53100', '57014', '58030', 'XX000']) {
      expect(classifyUnavailable(withCode(code))).toMatchObject({ dependency: 'database' });
    }
    // the client's or the code's fault: not an outage
    for (const code of ['22P05', '23505', '42703', '40001', 'P0001']) expect(classifyUnavailable(withCode(code))).toBeUndefined();
  });

  it('recognises socket errors, driver messages, ioredis errors, causes and aggregate errors', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']) expect(classifyUnavailable(withCode(code))).toBeDefined();
    for (const m of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'Query read timeout',
      'Client has encountered a connection error and is not queryable',
      'PGlite is closed',
    ]) {
      expect(classifyUnavailable(new Error(m))).toMatchObject({ dependency: 'database' });
    }
    expect(classifyUnavailable(new Error('Connection is closed.'))).toMatchObject({ dependency: 'redis' });
    expect(
      classifyUnavailable(Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' })),
    ).toMatchObject({ dependency: 'redis' });
    expect(classifyUnavailable(new Error('wrapped', { cause: withCode('57P01', 'terminating connection due to administrator command') }))).toMatchObject({
      dependency: 'database',
    });
    expect(classifyUnavailable(new AggregateError([withCode('ECONNREFUSED')], 'connect failed'))).toBeDefined();
    expect(classifyUnavailable(new DependencyUnavailableError('redis', 'not connected'))).toMatchObject({ dependency: 'redis' });
    expect(classifyUnavailable(new TypeError('cannot read properties of undefined'))).toBeUndefined();
    expect(classifyUnavailable(new Error('Connection refused by the rules'))).toBeUndefined();
    expect(classifyUnavailable(undefined)).toBeUndefined();
  });

  it('maps them to 503 problem+json with Retry-After and a detail that names no host or driver', () => {
    for (const err of [
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is shutting down'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new EventStoreUnavailableError('EventStoreDB did not answer read within 5000 ms'),
      new DependencyUnavailableError('redis', 'the Redis connection is reconnecting'),
    ]) {
      const mapped = toProblem(err);
      expect(mapped.problem).toMatchObject({ status: 503, title: 'Service Unavailable', type: 'https://motcua.vn/problems/service-unavailable' });
      expect(mapped.headers['Retry-After']).toBe('5');
      expect(mapped.unexpected).toBe(false);
      expect(mapped.problem.detail).not.toMatch(/127\.0\.0\.1|5432|ECONN|administrator/);
      expect(mapped.logDetail).toContain(err.message);
    }
    expect(toProblem(withCode('42703', 'column "x" does not exist')).problem.status).toBe(500);
  });
});
