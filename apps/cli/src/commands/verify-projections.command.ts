/**
 * `verify-projections`: rebuilds a read model into shadow tables and diffs it against the live one,
 * printing every row that differs; exit 1 on a difference. The live tables are never modified.
 */
import { DEFAULT_EVENT_STORE_URL, openEventStore, parseEventStoreUrl, EventStore } from '@motcua/event-store';
import { loadReferenceData } from '@motcua/application';
import { readModelProjections, REBUILDABLE_PROJECTIONS, verifyProjection } from '@motcua/projections';
import { migrate, PgDriver, SqlDriver } from '@motcua/sql';
import { parseArgs } from '../args';
import { CliCommand, UsageError } from '../command';

// Built as every process builds them (readModelProjections): the apology cut-off from the reference data.
const PROJECTIONS = new Set(REBUILDABLE_PROJECTIONS);

export const verifyProjectionsCommand: CliCommand = {
  name: 'verify-projections',
  summary: 'rebuild a read model into shadow tables and print every row that differs from the live one',
  usage: [
    `verify-projections [projection] [--max-rows 50]`,
    '',
    `  projection  one of: ${[...PROJECTIONS].join(', ')} (default: all)`,
    '',
    '  Works on the database of EVENT_STORE_URL (PostgreSQL; READ_MODEL_URL with EventStoreDB; PGlite while',
    "  the service is stopped). The comparison is made at the live read model's position; the shadow tables",
    '  are dropped afterwards. Exit 0 when identical, 1 when a row differs, 3 when the store cannot be opened.',
  ].join('\n'),

  async run(args, io) {
    const parsed = parseArgs(args, { values: ['max-rows'] });
    if (parsed.positionals.length > 1) throw new UsageError('at most one projection name');
    const names = parsed.positionals.length ? parsed.positionals : [...PROJECTIONS];
    for (const n of names) if (!PROJECTIONS.has(n)) throw new UsageError(`unknown projection "${n}": one of ${[...PROJECTIONS].join(', ')}`);
    const maxRows = typeof parsed.flags['max-rows'] === 'string' ? Number(parsed.flags['max-rows']) : 50;
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new UsageError('--max-rows must be a positive whole number');
    const env = io.env;
    const url = env.EVENT_STORE_URL?.trim() || DEFAULT_EVENT_STORE_URL;
    if (parseEventStoreUrl(url).kind === 'memory') throw new UsageError('EVENT_STORE_URL is memory://: there is nothing to verify');
    let store: EventStore;
    let driver: SqlDriver | undefined;
    let ownDriver: PgDriver | undefined;
    try {
      const opened = await openEventStore(url);
      store = opened.store;
      driver = opened.driver;
    } catch (err) {
      io.err(`cannot open the event store: ${(err as Error).message}\n`);
      return 3;
    }
    if (!driver) {
      const rm = env.READ_MODEL_URL?.trim();
      if (!rm) throw new UsageError('READ_MODEL_URL (postgres://…) is required with EventStoreDB: the read models live there');
      driver = ownDriver = new PgDriver({ connectionString: rm, applicationName: 'motcua-verify-projections' });
    }
    let differing = 0;
    try {
      await migrate(driver);
      const projections = readModelProjections(await loadReferenceData(store));
      for (const name of names) {
        const r = await verifyProjection({ store, driver, projection: projections[name](), maxRowsShown: maxRows });
        if (r.ok) {
          io.out(`OK ${name}: identical to a rebuild of ${r.events} events (at ${r.position ?? 'the start'})\n`);
          continue;
        }
        for (const d of r.differences) {
          differing += d.liveCount + d.rebuildCount;
          io.out(`DIFF ${name}.${d.table}: ${d.liveCount} row(s) only in the live table, ${d.rebuildCount} only in the rebuild\n`);
          for (const row of d.onlyInLive) io.out(`  live:    ${JSON.stringify(row)}\n`);
          for (const row of d.onlyInRebuild) io.out(`  rebuild: ${JSON.stringify(row)}\n`);
        }
      }
    } catch (err) {
      io.err(`verify-projections failed: ${(err as Error).message}\n`);
      return 1;
    } finally {
      await store.close().catch(() => undefined);
      await ownDriver?.close().catch(() => undefined);
    }
    return differing ? 1 : 0;
  },
};
