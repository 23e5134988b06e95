/**
 * Shared fixtures of the hardening suites: the app in process (fastify inject) on an in-memory
 * PGlite, a unit tree province → district A (→ wards A1, A2) and district B (→ ward B1), one
 * procedure, and helpers to seed dossiers and alerts and to read the event log.
 */
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { DossierService } from '@motcua/application';
import { AlertKind } from '@motcua/domain';
import { RecordedEvent } from '@motcua/event-store';
import { SQL_DRIVER } from '@motcua/platform';
import { alertId, alertsProjection, dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { waitFor } from '../../../libs/projections/src/__tests__/support';
import { Harness, startHarness } from '../../support/api-harness';

export const P = 'HX.00.00.H99';
export const A = 'HX.00.01.H99';
export const A1 = 'HX.01.01.H99';
export const A2 = 'HX.01.02.H99';
export const B = 'HX.00.02.H99';
export const B1 = 'HX.02.01.H99';
export const PROC = '9.000001';
export const UNITS = [P, A, A1, A2, B, B1];
export const APPLICANT = 'Nguyễn Văn An';

export const ROLE_NAMES = ['clerk', 'officer', 'supervisor', 'auditor', 'admin'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export interface World {
  h: Harness;
  /** province supervisor+clerk+officer+admin: sets things up */
  root: string;
  dossiers: DossierService;
  driver: SqlDriver;
  token(roles: readonly string[], units: string[], sub?: string): Promise<string>;
  receive(unitCode?: string, occurredAt?: string): Promise<{ id: string; code: string; version: number }>;
  command(id: string, action: string, body: Record<string, unknown>): Promise<{ status: number; body: any }>;
  /** Appends a deadline alert for the dossier (as the timers do) and returns its id (projected by `catchUp`). */
  raiseAlert(dossierId: string, kind?: AlertKind): Promise<string>;
  /** Runs the read models (dossier summary, alerts) until they caught up. */
  catchUp(): Promise<void>;
  /** A real listening port for routes that inject cannot end (SSE). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function startWorld(label: string, env: Record<string, string> = {}): Promise<World> {
  // thousands of requests from a few tokens: the per-token rate limit is off here (tested on its own)
  const h = await startHarness('pglite://memory', { RATE_LIMIT_PER_MINUTE: '0', PUBLIC_LOOKUP_PER_MINUTE: '0', ...env });
  const root = await h.token({ sub: `root-${label}`, roles: ['clerk', 'officer', 'supervisor', 'auditor', 'admin'], units: [P] });
  const put = async (url: string, body: unknown) => {
    const r = await h.request('PUT', url, { token: root, body });
    if (r.status >= 300) throw new Error(`seeding ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await put(`/units/${P}`, { name: 'Tỉnh Thử Nghiệm', level: 'province' });
  await put(`/units/${A}`, { name: 'Quận A', level: 'district', parentCode: P });
  await put(`/units/${A1}`, { name: 'Phường A1', level: 'commune', parentCode: A });
  await put(`/units/${A2}`, { name: 'Phường A2', level: 'commune', parentCode: A });
  await put(`/units/${B}`, { name: 'Quận B', level: 'district', parentCode: P });
  await put(`/units/${B1}`, { name: 'Phường B1', level: 'commune', parentCode: B });
  await put(`/procedures/${PROC}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' }, onlineLevel: 'full' });
  const driver = h.app.get<SqlDriver>(SQL_DRIVER);
  const dossiers = h.app.get(DossierService);
  let runner: ProjectionRunner | undefined;
  let server: string | undefined;
  const world: World = {
    h,
    root,
    dossiers,
    driver,
    token: (roles, units, sub = `u-${roles.join('+') || 'none'}-${units.join('+') || 'none'}`) => h.token({ sub, roles: [...roles], units }),
    async receive(unitCode = A1, occurredAt) {
      const r = await h.request('POST', '/dossiers', {
        token: root,
        body: { unitCode, procedureCode: PROC, channel: 'direct', applicant: { name: APPLICANT }, ...(occurredAt ? { occurredAt } : {}) },
      });
      if (r.status !== 201) throw new Error(`receive: ${r.status} ${JSON.stringify(r.body)}`);
      return { id: r.body.id, code: r.body.code, version: r.body.version };
    },
    async command(id, action, body) {
      const r = await h.request('POST', `/dossiers/${id}/${action}`, { token: root, body });
      if (r.status !== 200) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    },
    async raiseAlert(dossierId, kind = 'overdue') {
      const before = await dossiers.load(dossierId);
      const dueAt = new Date((before.state as { effectiveDueAt: string }).effectiveDueAt);
      await dossiers.execute(
        dossierId,
        { action: 'raise-alert', kind, dueAt },
        {
          actor: { id: 'system:hardening', roles: [], units: [] },
          correlationId: randomUUID(),
          causationId: randomUUID(),
          now: new Date(),
        },
      );
      const { events } = await dossiers.load(dossierId);
      const raised = events[events.length - 1];
      if (events.length === before.events.length || !('kind' in (raised.data as object))) throw new Error('no alert was raised');
      return alertId(dossierId, kind, (raised.data as { dueAt: string }).dueAt);
    },
    async catchUp() {
      if (!runner) {
        runner = new ProjectionRunner({
          store: h.store,
          driver,
          projections: [dossierSummaryProjection(), alertsProjection()],
          leaseKey: `test:hardening:${label}:${randomUUID()}`,
        });
        await runner.start();
      }
      const r = runner;
      await waitFor('read models caught up', async () => (await r.status()).projections.every((p) => p.eventsBehind === 0));
    },
    async listen() {
      if (!server) {
        await h.app.listen(0, '127.0.0.1');
        const addr = h.app.getHttpServer().address() as AddressInfo;
        server = `http://127.0.0.1:${addr.port}/api/v1`;
      }
      return server;
    },
    async close() {
      await runner?.stop().catch(() => undefined);
      await h.close();
    },
  };
  return world;
}

/** Every event of the log, in order. */
export async function allEvents(h: Harness): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let from: RecordedEvent['position'] | undefined;
  for (;;) {
    const page = await h.store.readAll({ fromPosition: from, limit: 5_000 });
    out.push(...page);
    if (page.length < 5_000) return out;
    from = page[page.length - 1].position;
  }
}

/** problem+json checks shared by the suites; returns a message or undefined when fine. */
export function problemDefect(res: { status: number; headers: Record<string, unknown>; body: any }): string | undefined {
  if (res.status < 400 || res.status >= 500) return undefined;
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) return `content-type ${type}`;
  const b = res.body;
  if (!b || typeof b !== 'object') return 'body is not JSON';
  if (b.status !== res.status) return `status member ${b.status}`;
  if (typeof b.title !== 'string' || !b.title) return 'no title';
  if (typeof b.detail !== 'string' || !b.detail) return 'no detail';
  return undefined;
}
