import { randomUUID } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  ConfigModule,
  EVENT_STORE,
  HealthModule,
  loadConfig,
  PROJECTION_STATUS,
  ProblemFilter,
  Queues,
  QUEUES_OPTIONS,
  QueuesModule,
  TIMERS_STATUS,
} from '@motcua/platform';

/**
 * Readiness with fakes for the store and the projection runner and a real Redis for the timer
 * queue: the figures are always in `details`; lag or backlog above the limits answer 503.
 */
describe('GET /health (readiness)', () => {
  const lag = { events: 0, seconds: 0 };
  const store = { kind: 'memory', ping: async () => undefined };
  /** Milliseconds the projection status holds the event loop (a busy embedded process: PGlite's WASM runs on it). */
  const busy = { ms: 0 };
  const projections = {
    status: async () => {
      const until = Date.now() + busy.ms;
      while (Date.now() < until) {
        /* hold the event loop */
      }
      return {
        projections: [
          { name: 'dossier-summary', eventsBehind: lag.events, secondsBehind: lag.seconds },
          { name: 'alerts', eventsBehind: 0, secondsBehind: 0 },
        ],
      };
    },
  };
  const timerLag = { events: 0, seconds: 0, running: true, poisoned: 0 };
  const timers = {
    status: async () => ({ eventsBehind: timerLag.events, secondsBehind: timerLag.seconds, running: timerLag.running, poisoned: timerLag.poisoned }),
  };
  const prefix = `ops-health-${randomUUID().slice(0, 8)}`;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const config = loadConfig(
      {
        EVENT_STORE_URL: 'memory://',
        HEALTH_MAX_LAG_EVENTS: '100',
        HEALTH_MAX_LAG_SECONDS: '30',
        HEALTH_MAX_TIMER_BACKLOG: '4',
        TIMERS_QUEUE: 'health-timers',
        HEALTH_PROBE_TIMEOUT_MS: '500',
      },
      'api',
    );
    @Global()
    @Module({
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: PROJECTION_STATUS, useValue: projections },
        { provide: TIMERS_STATUS, useValue: timers },
        { provide: QUEUES_OPTIONS, useValue: { prefix } },
      ],
      exports: [EVENT_STORE, PROJECTION_STATUS, TIMERS_STATUS, QUEUES_OPTIONS],
    })
    class Fakes {}
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), Fakes, QueuesModule, HealthModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalFilters(new ProblemFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    const q = app.get(Queues).queue('health-timers');
    await q.obliterate({ force: true }).catch(() => undefined);
    await app.close();
  });

  const get = async (url = '/health') => {
    const r = await app.inject({ method: 'GET', url });
    return { status: r.statusCode, body: JSON.parse(r.body) };
  };

  it('is up with every figure in details', async () => {
    lag.events = 3;
    lag.seconds = 1.26;
    const r = await get();
    expect(r.status).toBe(200);
    expect(r.body.details).toEqual({
      eventStore: { status: 'up', kind: 'memory' },
      redis: { status: 'up' },
      projections: {
        status: 'up',
        inProcess: true,
        maxEventsBehind: 100,
        maxSecondsBehind: 30,
        projections: { 'dossier-summary': { eventsBehind: 3, secondsBehind: 1.3 }, alerts: { eventsBehind: 0, secondsBehind: 0 } },
      },
      timers: {
        status: 'up',
        queue: 'health-timers',
        waiting: 0,
        overdue: 0,
        backlog: 0,
        maxBacklog: 4,
        subscription: { inProcess: true, maxEventsBehind: 100, maxSecondsBehind: 30, eventsBehind: 0, secondsBehind: 0, running: true, poisoned: 0 },
      },
      // no notification sender in this process (issue #19): nothing to judge here
      notifications: { status: 'up', inProcess: false, maxAgeSeconds: 900 },
    });
    expect((await get('/health/live')).body).toEqual({ status: 'ok' });
  });

  it('does not report a Redis that answered as down because the event loop was busy past the probe limit', async () => {
    await get(); // the health connection is open
    busy.ms = 2_500; // longer than the probe limit (500 ms) and than the 2 s the probe used to allow
    try {
      for (let i = 0; i < 3; i++) {
        const r = await get();
        expect(r.body.details.redis).toEqual({ status: 'up' });
        expect(r.status).toBe(200);
      }
    } finally {
      busy.ms = 0;
    }
  }, 30_000);

  it('is down (503) when a projection is too many events or seconds behind', async () => {
    lag.events = 101;
    lag.seconds = 0;
    let r = await get();
    expect(r.status).toBe(503);
    expect(r.body.details.projections).toMatchObject({
      status: 'down',
      message: 'too far behind: dossier-summary',
      projections: { 'dossier-summary': { eventsBehind: 101 } },
    });
    expect(r.body.details.eventStore.status).toBe('up');
    lag.events = 1;
    lag.seconds = 31;
    r = await get();
    expect(r.status).toBe(503);
    expect(r.body.details.projections.status).toBe('down');
    lag.seconds = 0;
    expect((await get()).status).toBe(200);
  });

  it("reports the timers' scheduling subscription lag and is down (503) when it does not advance", async () => {
    timerLag.events = 7;
    timerLag.seconds = 2.04;
    timerLag.poisoned = 1; // a skipped poison dossier is reported, and is no reason to be down
    let r = await get();
    expect(r.status).toBe(200);
    expect(r.body.details.timers.subscription).toMatchObject({ inProcess: true, eventsBehind: 7, secondsBehind: 2, poisoned: 1 });
    timerLag.events = 101;
    r = await get();
    expect(r.status).toBe(503);
    expect(r.body.details.timers).toMatchObject({
      status: 'down',
      message: 'timers subscription too far behind (101 events, 2 s)',
      subscription: { eventsBehind: 101 },
    });
    timerLag.events = 2;
    timerLag.seconds = 31; // stalled: its oldest unscheduled event is older than the limit
    r = await get();
    expect(r.status).toBe(503);
    expect(r.body.details.timers.status).toBe('down');
    expect(r.body.details.projections.status).toBe('up');
    timerLag.events = 0;
    timerLag.seconds = 0;
    expect((await get()).status).toBe(200);
  });

  it('counts waiting and overdue timers and is down above the backlog limit', async () => {
    const q = app.get(Queues).queue('health-timers');
    await q.addBulk([1, 2, 3].map((n) => ({ name: 'timer', data: { n } })));
    await q.add('timer', { n: 4 }, { delay: 1 });
    await q.add('timer', { n: 5 }, { delay: 1 });
    await q.add('timer', { n: 6 }, { delay: 3_600_000 }); // not due: not backlog
    let r = await get();
    expect(r.body.details.timers).toMatchObject({ waiting: 3, overdue: 0, backlog: 3, status: 'up' });
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // no worker promotes them: overdue
    r = await get();
    expect(r.status).toBe(503);
    expect(r.body.details.timers).toMatchObject({ status: 'down', waiting: 3, overdue: 2, backlog: 5, maxBacklog: 4, message: 'timer backlog 5 is above 4' });
  });
});
