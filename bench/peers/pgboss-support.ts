import { PgDriver } from '@motcua/sql';
import { BENCH_DATABASE_URL } from '../support';
export { BENCH_DATABASE_URL, fmtInt, nowMs, packageVersion, percentile } from '../support';

/** A one-connection driver on the bench database (for sizes and clean-up). */
export function PgDriverFor(): PgDriver {
  return new PgDriver({ connectionString: BENCH_DATABASE_URL, max: 1, applicationName: 'motcua-bench' });
}
