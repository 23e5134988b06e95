/** `verify`: walks the hash chains of the event store, or re-verifies an export file offline. */
import * as fs from 'node:fs';
import { parseArgs } from '../args';
import { CliCommand, UsageError } from '../command';

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'check the tamper-evident hash chains (the store, or an exported NDJSON file offline)',
  usage: [
    'verify [--stream <name>]        walk the event store at EVENT_STORE_URL (default pglite://./data)',
    'verify --file <export.ndjson>   re-verify an export (GET /api/v1/audit/export) without any server',
    '',
    'Exit code 0 when every link holds, 1 naming the first broken link, 2 on usage errors.',
    'PGlite allows one process per data directory: while the service runs, use GET /api/v1/audit/verify.',
  ].join('\n'),

  async run(args, io) {
    const parsed = parseArgs(args, { values: ['stream', 'file'] });
    if (parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const file = typeof parsed.flags.file === 'string' ? parsed.flags.file : undefined;
    const stream = typeof parsed.flags.stream === 'string' ? parsed.flags.stream : undefined;
    // Loaded lazily so that `help` and `token` stay light.
    const { AuditService, verifyExport } = await import('@motcua/application/audit/audit-service');
    let report;
    if (file) {
      if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
      report = verifyExport(fs.readFileSync(file, 'utf8'));
      if (!report.ok) {
        io.out(
          `BROKEN: ${report.reason}${report.firstBroken ? ` — first broken link: stream ${report.firstBroken.stream} revision ${report.firstBroken.revision} (event ${report.firstBroken.eventId}, ${report.firstBroken.type})` : ''}\n`,
        );
        return 1;
      }
      io.out(`OK: ${report.checked} events in ${report.streams} streams verify (file digest and every hash chain)\n`);
      return 0;
    }
    const { openEventStore } = await import('@motcua/event-store');
    const { store } = await openEventStore(io.env.EVENT_STORE_URL, { hashChain: false });
    try {
      const audit = new AuditService(store);
      report = stream
        ? await audit.verifyStream(stream)
        : await audit.verifyAll((n) => {
            if (n % 100_000 === 0) io.err(`  ${n} events checked\n`);
          });
    } finally {
      await store.close();
    }
    if (report.firstBroken) {
      const b = report.firstBroken;
      io.out(`BROKEN at stream ${b.stream} revision ${b.revision} (event ${b.eventId}, ${b.type}): ${b.reason}\n`);
      return 1;
    }
    io.out(`OK: ${report.checked} events in ${report.streams} streams verify\n`);
    return 0;
  },
};
